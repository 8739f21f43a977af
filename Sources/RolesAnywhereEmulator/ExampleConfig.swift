/// What `rolesanywhere-emulator --example-config` prints: a configuration that loads as it is once
/// `ca.pem` sits beside it, with every key explained in comments the loader accepts (JSON5).
public enum ExampleConfig {
    public static let account = "123456789012"
    public static let trustAnchorArn = "arn:aws:rolesanywhere:us-east-1:\(account):trust-anchor/7e4c2a90-1b3d-4f5e-8a6b-9c0d1e2f3a4b"
    public static let profileArn = "arn:aws:rolesanywhere:us-east-1:\(account):profile/3b9f6d21-5c7a-4e8b-9d0c-1a2b3c4d5e6f"
    public static let roleArn = "arn:aws:iam::\(account):role/developer"
    public static let chainedRoleArn = "arn:aws:iam::\(account):role/deployer"

    public static let text = """
        // rolesanywhere-emulator's configuration: JSON, with // and /* */ comments (JSON5), so this
        // file loads as printed. Every key: docs/emulator.md. Optional keys take AWS's defaults.
        //
        // To use it (a CA made by `rolecall init` as the trust anchor):
        //   rolesanywhere-emulator --example-config > emulator.json
        //   rolecall ca show > ca.pem      # beside emulator.json, or change certificatePath below
        //   rolesanywhere-emulator --config emulator.json --port 8443 &
        //   rolecall profile add emulated --region us-east-1 --emulator http://127.0.0.1:8443 \\
        //     --role-arn \(roleArn) \\
        //     --profile-arn \(profileArn) \\
        //     --trust-anchor-arn \(trustAnchorArn)
        //   rolecall exec --profile emulated -- aws sts get-caller-identity
        {
          // Optional: when given, every ARN below must be in this account (12 digits). Leave it out
          // to hold trust anchors, profiles and roles of several accounts.
          "accountId": "\(account)",

          // The CAs CreateSession trusts, as Roles Anywhere trust anchors.
          "trustAnchors": [
            {
              "arn": "\(trustAnchorArn)",
              // A PEM file of one or more CA certificates; a relative path is relative to this file.
              "certificatePath": "ca.pem",
              // Optional, default true. false: CreateSession refuses it, as AWS refuses a disabled anchor.
              "enabled": true
            }
          ],

          // Roles Anywhere profiles: which roles a session may take, and for how long.
          "profiles": [
            {
              "arn": "\(profileArn)",
              // The roles this profile may give sessions for; each in the profile's own account.
              "roleArns": ["\(roleArn)"],
              // Optional, default 3600: the longest session, 900 to 43200 seconds.
              "durationSeconds": 3600,
              // Optional, default false: whether CreateSession may name the role session.
              "acceptRoleSessionName": false,
              // Optional, default true.
              "enabled": true
            }
          ],

          // IAM roles: their trust policy as the emulator checks it.
          "roles": [
            {
              "arn": "\(roleArn)",
              // Optional, default 3600: the role's maximum session, 900 to 43200 seconds.
              "maxSessionDuration": 3600,
              // Optional, default {} (any certificate of a trusted CA): each aws:PrincipalTag key
              // must have one of the values listed, e.g. {"x509Subject/CN": ["alice", "bob"]}.
              // Keys: x509Subject/ATTR, x509Issuer/ATTR (CN, OU, O, …), x509SAN/DNS, x509SAN/URI.
              "principalTagConditions": {}
            },
            {
              // A role reached by chaining (rolecall profile add NAME --source-profile BASE --role-arn …).
              "arn": "\(chainedRoleArn)",
              // Optional, default []: the roles whose sessions may sts:AssumeRole this one.
              "assumableBy": ["\(roleArn)"],
              // Optional: the sts:ExternalId AssumeRole must pass (rolecall's --external-id).
              "externalId": "example-external-id",
              // Optional test knob AWS does not have: AssumeRole's credentials expire after this
              // many seconds, whatever was asked (to see a refresh without waiting an hour).
              "assumedLifetimeSeconds": null
            }
          ]
        }

        """
}
