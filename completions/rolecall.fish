function __rolecall_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __rolecall_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __rolecall_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __rolecall_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __rolecall_parse_tokens -S
    set -l unparsed_tokens (__rolecall_tokens -pc)
    switch $unparsed_tokens[1]
    case 'rolecall'
        __rolecall_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'init'
            __rolecall_parse_subcommand 0 'user=' 'json' 'ca-key=' 'pin-command=' 'pkcs11-module=' 'mfa-code=' 'mfa-command=' 'no-verify' 'version' 'h/help'
        case 'ca'
            __rolecall_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'show'
                __rolecall_parse_subcommand 0 'json' 'all' 'version' 'h/help'
            case 'rotate'
                __rolecall_parse_subcommand 0 'stage' 'promote' 'mfa-code=' 'mfa-command=' 'ca-key=' 'pin-command=' 'pkcs11-module=' 'version' 'h/help'
            case 'remove-old'
                __rolecall_parse_subcommand 0 'version' 'h/help'
            end
        case 'mfa'
            __rolecall_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'add'
                __rolecall_parse_subcommand 1 'mfa-code=' 'mfa-command=' 'version' 'h/help'
            case 'verify'
                __rolecall_parse_subcommand 0 'mfa-code=' 'mfa-command=' 'version' 'h/help'
            case 'list'
                __rolecall_parse_subcommand 0 'json' 'version' 'h/help'
            case 'remove'
                __rolecall_parse_subcommand 1 'mfa-code=' 'mfa-command=' 'version' 'h/help'
            end
        case 'profile'
            __rolecall_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'add'
                __rolecall_parse_subcommand 1 'role-arn=' 'profile-arn=' 'trust-anchor-arn=' 'source-profile=' 'external-id=' 'region=' 'duration=' 'mfa=' 'pin-command=' 'certificate=' 'private-key=' 'intermediates=' 'pkcs11-module=' 'mfa-interval=' 'endpoint=' 'sts-endpoint=' 'signin-endpoint=' 'emulator=' 'force' 'role-session-name=' 'version' 'h/help'
            case 'set'
                __rolecall_parse_subcommand 1 'endpoint=' 'sts-endpoint=' 'signin-endpoint=' 'emulator=' 'version' 'h/help'
            case 'list'
                __rolecall_parse_subcommand 0 'json' 'version' 'h/help'
            case 'show'
                __rolecall_parse_subcommand 1 'json' 'version' 'h/help'
            case 'remove'
                __rolecall_parse_subcommand 1 'version' 'h/help'
            case 'set-trust-anchor'
                __rolecall_parse_subcommand 1 'from=' 'version' 'h/help'
            end
        case 'exec'
            __rolecall_parse_subcommand -r 1 'profile=+' 'aws-role=' 'duration=' 'region=' 'mfa-code=' 'mfa-command=' 'pin-command=' 'pkcs11-module=' 'quiet' 'server' 'imds' 'version' 'h/help'
        case 'env'
            __rolecall_parse_subcommand 0 'profile=+' 'aws-role=' 'duration=' 'region=' 'mfa-code=' 'mfa-command=' 'pin-command=' 'pkcs11-module=' 'format=' 'version' 'h/help'
        case 'agent'
            __rolecall_parse_subcommand 0 'profile=+' 'aws-role=' 'duration=' 'region=' 'mfa-code=' 'mfa-command=' 'pin-command=' 'pkcs11-module=' 'format=' 'shell-pid=' 'stop' 'list' 'version' 'h/help'
        case 'credential-process'
            __rolecall_parse_subcommand 0 'profile=' 'version' 'h/help'
        case 'aws-config'
            __rolecall_parse_subcommand 0 'profile=' 'version' 'h/help'
        case 'console'
            __rolecall_parse_subcommand 0 'profile=+' 'aws-role=' 'duration=' 'region=' 'mfa-code=' 'mfa-command=' 'pin-command=' 'pkcs11-module=' 'destination=' 'print' 'version' 'h/help'
        case 'status'
            __rolecall_parse_subcommand 0 'json' 'version' 'h/help'
        case 'prompt'
            __rolecall_parse_subcommand 0 'version' 'h/help'
        case 'demo'
            __rolecall_parse_subcommand -r 1 'keep' 'version' 'h/help'
        case 'issuer'
            __rolecall_parse_subcommand -r 1 'version' 'h/help'
        case 'login'
            __rolecall_parse_subcommand 0 'issuer=+' 'user=' 'pin-sha256=' 'password-stdin' 'no-mfa' 'prefix=' 'endpoint=' 'sts-endpoint=' 'signin-endpoint=' 'emulator=' 'mfa-code=' 'mfa-command=' 'version' 'h/help'
        case 'logout'
            __rolecall_parse_subcommand 0 'version' 'h/help'
        case 'help'
            __rolecall_parse_subcommand -r 1 'version'
        end
    end
end

function __rolecall_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __rolecall_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __rolecall_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __rolecall_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__rolecall_tokens -p)
    if test -z "$(__rolecall_tokens -t)"
        set -l index (count (__rolecall_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'rolecall' -f
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_positional "rolecall" -eq 1' -fa 'init' -d 'Create the rolecall home, a local CA and a first TOTP device.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_positional "rolecall" -eq 1' -fa 'ca' -d 'Show or rotate the local CA that Roles Anywhere trusts.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_positional "rolecall" -eq 1' -fa 'mfa' -d 'Manage TOTP devices.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_positional "rolecall" -eq 1' -fa 'profile' -d 'Manage profiles: which role, Roles Anywhere profile and trust anchor to use.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_positional "rolecall" -eq 1' -fa 'exec' -d 'Run a command (default: $SHELL) with fresh AWS credentials in its environment.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_positional "rolecall" -eq 1' -fa 'env' -d 'Print the session\'s variables for a shell to evaluate.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_positional "rolecall" -eq 1' -fa 'agent' -d 'One MFA check for several profiles, served to credential-process in this shell\'s process tree until the shell exits.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_positional "rolecall" -eq 1' -fa 'credential-process' -d 'Print AWS credential_process JSON for a profile: from this tree\'s agent, or for a profile without per-session MFA.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_positional "rolecall" -eq 1' -fa 'aws-config' -d 'Print ~/.aws/config blocks for rolecall\'s profiles (never edits the file).'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_positional "rolecall" -eq 1' -fa 'console' -d 'Open the AWS console in the browser as the profile\'s role (one MFA check).'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_positional "rolecall" -eq 1' -fa 'status' -d 'Show the CA, profiles, MFA devices and the current session (inside exec).'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_positional "rolecall" -eq 1' -fa 'prompt' -d 'Print a short prompt segment (`dev 42m`) inside a session or an agent\'s shell; nothing outside.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_positional "rolecall" -eq 1' -fa 'demo' -d 'Run the whole flow against the bundled emulator: no AWS account needed.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_positional "rolecall" -eq 1' -fa 'issuer' -d 'The team issuer service and its administration (runs rolecall-issuer).'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_positional "rolecall" -eq 1' -fa 'login' -d 'Log in to a team issuer: a login session on disk (never AWS credentials) and a profile per allowed role.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_positional "rolecall" -eq 1' -fa 'logout' -d 'Delete the team issuer login session (the profiles stay and ask you to log in).'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_positional "rolecall" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall init" user' -l 'user' -d 'The name certificates are issued to (default: $USER).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall init" json' -l 'json' -d 'Print {user, otpauthURI, caCertificatePEM, caFingerprintSHA256} as JSON and nothing else.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall init" ca-key' -l 'ca-key' -d 'Keep the CA\'s key on a PKCS#11 token, e.g. \'pkcs11:token=NAME;object=rolecall-ca\' (made there when absent; never written to a file).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall init" pin-command' -l 'pin-command' -d 'A command whose first line of output is the token\'s PIN (default: a prompt on the terminal).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall init" pkcs11-module' -l 'pkcs11-module' -d 'The PKCS#11 module (default: the URI\'s module-path, the one the config remembers, $ROLECALL_PKCS11_MODULE, else p11-kit\'s proxy).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall init" mfa-code' -l 'mfa-code' -d 'The current TOTP code (visible in the process list; prefer the prompt or --mfa-command).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall init" mfa-command' -l 'mfa-command' -d 'A command whose first line of output is the code, e.g. \'ykman oath accounts code -s rolecall\'.' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall init" no-verify' -l 'no-verify' -d 'Do not ask for a code at the end to check that the authenticator was set up (for scripts).'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall init" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall init" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall ca" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall ca" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_positional "rolecall ca" -eq 1' -fa 'show' -d 'Print the CA certificate (PEM) to register as a trust anchor.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_positional "rolecall ca" -eq 1' -fa 'rotate' -d 'Create a new CA: at once, or staged (--stage, then --promote) so the trust anchor can hold both first.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_positional "rolecall ca" -eq 1' -fa 'remove-old' -d 'Forget CAs replaced by `ca rotate`.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall ca show" json' -l 'json' -d 'Print JSON with the fingerprint and expiry.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall ca show" all' -l 'all' -d 'Include CAs replaced by `ca rotate` that have not been removed yet.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall ca show" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall ca show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall ca rotate" stage' -l 'stage' -d 'Create the next CA and keep signing with the current one; `ca show` prints both for the trust anchor.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall ca rotate" promote' -l 'promote' -d 'Switch signing to the staged CA.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall ca rotate" mfa-code' -l 'mfa-code' -d 'The current TOTP code (visible in the process list; prefer the prompt or --mfa-command).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall ca rotate" mfa-command' -l 'mfa-command' -d 'A command whose first line of output is the code, e.g. \'ykman oath accounts code -s rolecall\'.' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall ca rotate" ca-key' -l 'ca-key' -d 'Keep the CA\'s key on a PKCS#11 token, e.g. \'pkcs11:token=NAME;object=rolecall-ca\' (made there when absent; never written to a file).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall ca rotate" pin-command' -l 'pin-command' -d 'A command whose first line of output is the token\'s PIN (default: a prompt on the terminal).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall ca rotate" pkcs11-module' -l 'pkcs11-module' -d 'The PKCS#11 module (default: the URI\'s module-path, the one the config remembers, $ROLECALL_PKCS11_MODULE, else p11-kit\'s proxy).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall ca rotate" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall ca rotate" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall ca remove-old" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall ca remove-old" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall mfa" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall mfa" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_positional "rolecall mfa" -eq 1' -fa 'add' -d 'Add a TOTP device (needs a code from an existing one).'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_positional "rolecall mfa" -eq 1' -fa 'verify' -d 'Check that an authenticator gives codes rolecall accepts (spends the code), e.g. after init.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_positional "rolecall mfa" -eq 1' -fa 'list' -d 'List TOTP devices (never their secrets).'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_positional "rolecall mfa" -eq 1' -fa 'remove' -d 'Remove a TOTP device (needs a code).'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall mfa add" mfa-code' -l 'mfa-code' -d 'The current TOTP code (visible in the process list; prefer the prompt or --mfa-command).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall mfa add" mfa-command' -l 'mfa-command' -d 'A command whose first line of output is the code, e.g. \'ykman oath accounts code -s rolecall\'.' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall mfa add" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall mfa add" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall mfa verify" mfa-code' -l 'mfa-code' -d 'The current TOTP code (visible in the process list; prefer the prompt or --mfa-command).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall mfa verify" mfa-command' -l 'mfa-command' -d 'A command whose first line of output is the code, e.g. \'ykman oath accounts code -s rolecall\'.' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall mfa verify" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall mfa verify" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall mfa list" json' -l 'json' -d 'Print JSON.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall mfa list" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall mfa list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall mfa remove" mfa-code' -l 'mfa-code' -d 'The current TOTP code (visible in the process list; prefer the prompt or --mfa-command).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall mfa remove" mfa-command' -l 'mfa-command' -d 'A command whose first line of output is the code, e.g. \'ykman oath accounts code -s rolecall\'.' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall mfa remove" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall mfa remove" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall profile" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall profile" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_positional "rolecall profile" -eq 1' -fa 'add' -d 'Add a profile.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_positional "rolecall profile" -eq 1' -fa 'set' -d 'Change the endpoints of a profile, and say what changed (other settings: profile add NAME ... --force).'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_positional "rolecall profile" -eq 1' -fa 'list' -d 'List profiles.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_positional "rolecall profile" -eq 1' -fa 'show' -d 'Show one profile.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_positional "rolecall profile" -eq 1' -fa 'remove' -d 'Remove a profile.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_positional "rolecall profile" -eq 1' -fa 'set-trust-anchor' -d 'Point the profiles of rolecall\'s CA at another trust anchor (after promoting a staged CA that has a trust anchor of its own).'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall profile add" role-arn' -l 'role-arn' -d 'arn:aws:iam::ACCOUNT:role/NAME' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall profile add" profile-arn' -l 'profile-arn' -d 'arn:aws:rolesanywhere:REGION:ACCOUNT:profile/ID' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall profile add" trust-anchor-arn' -l 'trust-anchor-arn' -d 'arn:aws:rolesanywhere:REGION:ACCOUNT:trust-anchor/ID' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall profile add" source-profile' -l 'source-profile' -d 'Chain roles: assume --role-arn with STS AssumeRole, signed with a session of this profile (its MFA, one code for both); at most 1h.' -rfka '(__rolecall_custom_completion ---completion profile add -- --source-profile (count (__rolecall_tokens -pc)) (__rolecall_tokens -tC))'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall profile add" external-id' -l 'external-id' -d 'The external ID the chained role\'s trust policy asks for (with --source-profile).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall profile add" region' -l 'region' -d 'AWS region (default: the trust anchor\'s).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall profile add" duration' -l 'duration' -d 'Longest AWS session, 15m to 12h or seconds.' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall profile add" mfa' -l 'mfa' -d 'required: a single-use certificate per session after a TOTP check; token: the same, with the PIN of the token that holds the CA\'s key as the check; off: no MFA. Default: token when the CA\'s key is on a token, else required.' -rfka 'required token off'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall profile add" pin-command' -l 'pin-command' -d 'A command whose first line of output is the token\'s PIN, for commands given none (e.g. credential_process with --mfa off).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall profile add" certificate' -l 'certificate' -d 'Sign CreateSession with your own certificate instead of rolecall\'s CA: a PEM or DER file, or pkcs11:URI of a certificate object.' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall profile add" private-key' -l 'private-key' -d 'The certificate\'s key: a PEM file (mode 0600) or pkcs11:URI (the PIN is asked each session).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall profile add" intermediates' -l 'intermediates' -d 'A PEM file of the intermediates between the certificate and the trust anchor.' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall profile add" pkcs11-module' -l 'pkcs11-module' -d 'The PKCS#11 module for --private-key pkcs11:URI (default: the URI\'s module-path, $ROLECALL_PKCS11_MODULE, else p11-kit\'s proxy); remembered.' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall profile add" mfa-interval' -l 'mfa-interval' -d 'How long one MFA check lets `exec --server` refresh credentials (16m to 12h; default 1h).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall profile add" endpoint' -l 'endpoint' -d 'Roles Anywhere endpoint URL, for CreateSession only (default: $AWS_ENDPOINT_URL_ROLESANYWHERE or the region\'s).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall profile add" sts-endpoint' -l 'sts-endpoint' -d 'STS endpoint URL: a chained profile\'s AssumeRole, and AWS_ENDPOINT_URL_STS for the command (default: $AWS_ENDPOINT_URL_STS or the region\'s).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall profile add" signin-endpoint' -l 'signin-endpoint' -d 'Console sign-in (federation) endpoint URL for `rolecall console` (default: $ROLECALL_SIGNIN_ENDPOINT or the partition\'s).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall profile add" emulator' -l 'emulator' -d 'All three endpoints at one URL, as rolesanywhere-emulator serves them (the URL it prints first).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall profile add" force' -l 'force' -d 'Replace the profile of this name, if there is one, and say what changed.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall profile add" role-session-name' -l 'role-session-name' -d 'Session name to ask for (the Roles Anywhere profile must accept it; with --source-profile, AssumeRole\'s, default rolecall-$USER).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall profile add" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall profile add" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_positional "rolecall profile set" -eq 1' -fka '(__rolecall_custom_completion ---completion profile set -- positional@0 (count (__rolecall_tokens -pc)) (__rolecall_tokens -tC))'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall profile set" endpoint' -l 'endpoint' -d 'Roles Anywhere endpoint URL, for CreateSession only (default: $AWS_ENDPOINT_URL_ROLESANYWHERE or the region\'s).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall profile set" sts-endpoint' -l 'sts-endpoint' -d 'STS endpoint URL: a chained profile\'s AssumeRole, and AWS_ENDPOINT_URL_STS for the command (default: $AWS_ENDPOINT_URL_STS or the region\'s).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall profile set" signin-endpoint' -l 'signin-endpoint' -d 'Console sign-in (federation) endpoint URL for `rolecall console` (default: $ROLECALL_SIGNIN_ENDPOINT or the partition\'s).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall profile set" emulator' -l 'emulator' -d 'All three endpoints at one URL, as rolesanywhere-emulator serves them (the URL it prints first).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall profile set" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall profile set" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall profile list" json' -l 'json' -d 'Print JSON.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall profile list" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall profile list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_positional "rolecall profile show" -eq 1' -fka '(__rolecall_custom_completion ---completion profile show -- positional@0 (count (__rolecall_tokens -pc)) (__rolecall_tokens -tC))'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall profile show" json' -l 'json' -d 'Print JSON.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall profile show" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall profile show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_positional "rolecall profile remove" -eq 1' -fka '(__rolecall_custom_completion ---completion profile remove -- positional@0 (count (__rolecall_tokens -pc)) (__rolecall_tokens -tC))'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall profile remove" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall profile remove" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall profile set-trust-anchor" from' -l 'from' -d 'Only the profiles on this trust anchor (default: every profile of rolecall\'s CA).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall profile set-trust-anchor" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall profile set-trust-anchor" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall exec"' -l 'profile' -d 'The profile to use (default: the one for --aws-role, $ROLECALL_PROFILE, or the only profile); `exec --server` and `agent` take several.' -rfka '(__rolecall_custom_completion ---completion exec -- --profile (count (__rolecall_tokens -pc)) (__rolecall_tokens -tC))'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall exec" aws-role' -l 'aws-role' -d 'Use the profile whose role ARN is this.' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall exec" duration' -l 'duration' -d 'AWS session length, 15m to 12h (default 1h, at most the profile\'s --duration).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall exec" region' -l 'region' -d 'AWS region (default: the profile\'s, else the trust anchor\'s).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall exec" mfa-code' -l 'mfa-code' -d 'The current TOTP code (visible in the process list; prefer the prompt or --mfa-command).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall exec" mfa-command' -l 'mfa-command' -d 'A command whose first line of output is the code, e.g. \'ykman oath accounts code -s rolecall\'.' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall exec" pin-command' -l 'pin-command' -d 'A command whose first line of output is the token\'s PIN (default: a prompt on the terminal).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall exec" pkcs11-module' -l 'pkcs11-module' -d 'The PKCS#11 module (default: the URI\'s module-path, the one the config remembers, $ROLECALL_PKCS11_MODULE, else p11-kit\'s proxy).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall exec" quiet' -l 'quiet' -d 'Do not print the line saying which role and until when.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall exec" server' -l 'server' -d 'Stay as a supervisor that keeps the key in locked memory and serves refreshed credentials to COMMAND over a loopback container-credentials endpoint until COMMAND exits (one MFA check per MFA window, set with `profile add --mfa-interval`).'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall exec" imds' -l 'imds' -d 'As --server, but serve EC2\'s instance metadata protocol (IMDSv2 only) on a loopback port instead, for tools that know no other (AWS_EC2_METADATA_SERVICE_ENDPOINT).'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall exec" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall exec" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall env"' -l 'profile' -d 'The profile to use (default: the one for --aws-role, $ROLECALL_PROFILE, or the only profile); `exec --server` and `agent` take several.' -rfka '(__rolecall_custom_completion ---completion env -- --profile (count (__rolecall_tokens -pc)) (__rolecall_tokens -tC))'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall env" aws-role' -l 'aws-role' -d 'Use the profile whose role ARN is this.' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall env" duration' -l 'duration' -d 'AWS session length, 15m to 12h (default 1h, at most the profile\'s --duration).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall env" region' -l 'region' -d 'AWS region (default: the profile\'s, else the trust anchor\'s).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall env" mfa-code' -l 'mfa-code' -d 'The current TOTP code (visible in the process list; prefer the prompt or --mfa-command).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall env" mfa-command' -l 'mfa-command' -d 'A command whose first line of output is the code, e.g. \'ykman oath accounts code -s rolecall\'.' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall env" pin-command' -l 'pin-command' -d 'A command whose first line of output is the token\'s PIN (default: a prompt on the terminal).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall env" pkcs11-module' -l 'pkcs11-module' -d 'The PKCS#11 module (default: the URI\'s module-path, the one the config remembers, $ROLECALL_PKCS11_MODULE, else p11-kit\'s proxy).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall env" format' -l 'format' -d 'The shell the lines are for, or json.' -rfka 'sh fish powershell json'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall env" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall env" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall agent"' -l 'profile' -d 'The profile to use (default: the one for --aws-role, $ROLECALL_PROFILE, or the only profile); `exec --server` and `agent` take several.' -rfka '(__rolecall_custom_completion ---completion agent -- --profile (count (__rolecall_tokens -pc)) (__rolecall_tokens -tC))'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall agent" aws-role' -l 'aws-role' -d 'Use the profile whose role ARN is this.' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall agent" duration' -l 'duration' -d 'AWS session length, 15m to 12h (default 1h, at most the profile\'s --duration).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall agent" region' -l 'region' -d 'AWS region (default: the profile\'s, else the trust anchor\'s).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall agent" mfa-code' -l 'mfa-code' -d 'The current TOTP code (visible in the process list; prefer the prompt or --mfa-command).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall agent" mfa-command' -l 'mfa-command' -d 'A command whose first line of output is the code, e.g. \'ykman oath accounts code -s rolecall\'.' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall agent" pin-command' -l 'pin-command' -d 'A command whose first line of output is the token\'s PIN (default: a prompt on the terminal).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall agent" pkcs11-module' -l 'pkcs11-module' -d 'The PKCS#11 module (default: the URI\'s module-path, the one the config remembers, $ROLECALL_PKCS11_MODULE, else p11-kit\'s proxy).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall agent" format' -l 'format' -d 'The shell the lines are for.' -rfka 'sh fish powershell json'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall agent" shell-pid' -l 'shell-pid' -d 'The shell to serve and end with: $$ in bash and zsh, $fish_pid in fish (default: the parent, when it outlives rolecall).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall agent" stop' -l 'stop' -d 'Stop this shell\'s agent, and print the lines that unset its variables.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall agent" list' -l 'list' -d 'List this user\'s agents, removing the directories of those that have ended.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall agent" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall agent" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall credential-process" profile' -l 'profile' -d 'The profile.' -rfka '(__rolecall_custom_completion ---completion credential-process -- --profile (count (__rolecall_tokens -pc)) (__rolecall_tokens -tC))'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall credential-process" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall credential-process" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall aws-config" profile' -l 'profile' -d 'Only this profile.' -rfka '(__rolecall_custom_completion ---completion aws-config -- --profile (count (__rolecall_tokens -pc)) (__rolecall_tokens -tC))'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall aws-config" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall aws-config" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall console"' -l 'profile' -d 'The profile to use (default: the one for --aws-role, $ROLECALL_PROFILE, or the only profile); `exec --server` and `agent` take several.' -rfka '(__rolecall_custom_completion ---completion console -- --profile (count (__rolecall_tokens -pc)) (__rolecall_tokens -tC))'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall console" aws-role' -l 'aws-role' -d 'Use the profile whose role ARN is this.' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall console" duration' -l 'duration' -d 'AWS session length, 15m to 12h (default 1h, at most the profile\'s --duration).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall console" region' -l 'region' -d 'AWS region (default: the profile\'s, else the trust anchor\'s).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall console" mfa-code' -l 'mfa-code' -d 'The current TOTP code (visible in the process list; prefer the prompt or --mfa-command).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall console" mfa-command' -l 'mfa-command' -d 'A command whose first line of output is the code, e.g. \'ykman oath accounts code -s rolecall\'.' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall console" pin-command' -l 'pin-command' -d 'A command whose first line of output is the token\'s PIN (default: a prompt on the terminal).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall console" pkcs11-module' -l 'pkcs11-module' -d 'The PKCS#11 module (default: the URI\'s module-path, the one the config remembers, $ROLECALL_PKCS11_MODULE, else p11-kit\'s proxy).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall console" destination' -l 'destination' -d 'The console page to open (default: the console home of the profile\'s region).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall console" print' -l 'print' -d 'Print the sign-in URL on stdout instead of opening the browser (it is a secret for 15 minutes).'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall console" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall console" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall status" json' -l 'json' -d 'Print JSON.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall status" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall status" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall prompt" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall prompt" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall demo" keep' -l 'keep' -d 'Leave the emulator running, and the temporary home with it; print the lines that use them and how to stop it.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall demo" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall demo" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_positional "rolecall issuer" -ge 1' -fka '(__rolecall_custom_completion ---completion issuer -- positional@0 (count (__rolecall_tokens -pc)) (__rolecall_tokens -tC))'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall issuer" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall issuer" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall login"' -l 'issuer' -d 'The issuer\'s https:// URL; repeat for replicas (the next is tried when one cannot be reached). Default: the last login\'s.' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall login" user' -l 'user' -d 'Your user name at the issuer (default: the last login\'s).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall login" pin-sha256' -l 'pin-sha256' -d 'The SHA-256 fingerprint `rolecall issuer serve` printed; trust only that certificate.' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall login" password-stdin' -l 'password-stdin' -d 'Read the password from the first line of stdin instead of the terminal (and a new one, when asked for, from the second).'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall login" no-mfa' -l 'no-mfa' -d 'Log in without a TOTP code (only roles with --mfa off can be used).'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall login" prefix' -l 'prefix' -d 'Put this before each role\'s name in the profiles this login writes, e.g. team- (team-dev beside your own dev); "" for none. Default: the last login\'s when --issuer is not given.' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall login" endpoint' -l 'endpoint' -d 'Roles Anywhere endpoint URL, for CreateSession only (default: $AWS_ENDPOINT_URL_ROLESANYWHERE or the region\'s).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall login" sts-endpoint' -l 'sts-endpoint' -d 'STS endpoint URL: a chained profile\'s AssumeRole, and AWS_ENDPOINT_URL_STS for the command (default: $AWS_ENDPOINT_URL_STS or the region\'s).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall login" signin-endpoint' -l 'signin-endpoint' -d 'Console sign-in (federation) endpoint URL for `rolecall console` (default: $ROLECALL_SIGNIN_ENDPOINT or the partition\'s).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall login" emulator' -l 'emulator' -d 'All three endpoints at one URL, as rolesanywhere-emulator serves them (the URL it prints first).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall login" mfa-code' -l 'mfa-code' -d 'The current TOTP code (visible in the process list; prefer the prompt or --mfa-command).' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall login" mfa-command' -l 'mfa-command' -d 'A command whose first line of output is the code, e.g. \'ykman oath accounts code -s rolecall\'.' -rfka ''
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall login" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall login" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall logout" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall logout" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall' -n '__rolecall_should_offer_completions_for_flags_or_options "rolecall help" version' -l 'version' -d 'Show the version.'
