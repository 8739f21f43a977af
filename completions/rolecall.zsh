#compdef rolecall

__rolecall_complete() {
    local -ar non_empty_completions=("${@:#(|:*)}")
    local -ar empty_completions=("${(M)@:#(|:*)}")
    _describe -V '' non_empty_completions -- empty_completions -P $'\'\''
}

__rolecall_custom_complete() {
    local -a completions
    completions=("${(@f)"$("${command_name}" "${@}" "${command_line[@]}")"}")
    if [[ "${#completions[@]}" -gt 1 ]]; then
        __rolecall_complete "${completions[@]:0:-1}"
    fi
}

__rolecall_cursor_index_in_current_word() {
    if [[ -z "${QIPREFIX}${IPREFIX}${PREFIX}" ]]; then
        printf 0
    else
        printf %s "${#${(z)LBUFFER}[-1]}"
    fi
}

_rolecall() {
    emulate -RL zsh -G
    setopt extendedglob nullglob numericglobsort
    unsetopt aliases banghist

    local -xr SAP_SHELL=zsh
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(builtin emulate zsh -c 'printf %s "${ZSH_VERSION}"')"
    local -r SAP_SHELL_VERSION

    local context state state_descr line
    local -A opt_args

    local -r command_name="${words[1]}"
    local -ar command_line=("${words[@]}")
    local -ir current_word_index="$((CURRENT - 1))"

    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'init:Create the rolecall home, a local CA and a first TOTP device.'
            'ca:Show or rotate the local CA that Roles Anywhere trusts.'
            'mfa:Manage TOTP devices.'
            'profile:Manage profiles: which role, Roles Anywhere profile and trust anchor to use.'
            'exec:Run a command (default: $SHELL) with fresh AWS credentials in its environment.'
            'env:Print the session'\''s variables for a shell to evaluate.'
            'credential-process:Print AWS credential_process JSON for a profile without per-session MFA.'
            'aws-config:Print ~/.aws/config blocks for rolecall'\''s profiles (never edits the file).'
            'status:Show the CA, profiles, MFA devices and the current session (inside exec).'
            'demo:Run the whole flow against the bundled emulator: no AWS account needed.'
            'issuer:The team issuer service: CA and MFA off the laptop, per-role policy, audit.'
            'login:Log in to a team issuer: a login session on disk (never AWS credentials) and a profile per allowed role.'
            'logout:Delete the team issuer login session (the profiles stay and ask you to log in).'
            'help:Show subcommand help information.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        init|ca|mfa|profile|exec|env|credential-process|aws-config|status|demo|issuer|login|logout|help)
            "_rolecall_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_rolecall_init() {
    local -i ret=1
    local -ar arg_specs=(
        '--user[The name certificates are issued to (default\: $USER).]:user:'
        '--json[Print {user, otpauthURI, caCertificatePEM, caFingerprintSHA256} as JSON and nothing else.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall_ca() {
    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'show:Print the CA certificate (PEM) to register as a trust anchor.'
            'rotate:Create a new CA; the old one stays in `ca show --all` until `ca remove-old`.'
            'remove-old:Forget CAs replaced by `ca rotate`.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        show|rotate|remove-old)
            "_rolecall_ca_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_rolecall_ca_show() {
    local -i ret=1
    local -ar arg_specs=(
        '--json[Print JSON with the fingerprint and expiry.]'
        '--all[Include CAs replaced by `ca rotate` that have not been removed yet.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall_ca_rotate() {
    local -i ret=1
    local -ar arg_specs=(
        '--mfa-code[The current TOTP code (visible in the process list; prefer the prompt or --mfa-command).]:mfa-code:'
        '--mfa-command[A command whose first line of output is the code, e.g. '\''ykman oath accounts code -s rolecall'\''.]:mfa-command:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall_ca_remove-old() {
    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall_mfa() {
    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'add:Add a TOTP device (needs a code from an existing one).'
            'list:List TOTP devices (never their secrets).'
            'remove:Remove a TOTP device (needs a code).'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        add|list|remove)
            "_rolecall_mfa_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_rolecall_mfa_add() {
    local -i ret=1
    local -ar arg_specs=(
        ':name:'
        '--mfa-code[The current TOTP code (visible in the process list; prefer the prompt or --mfa-command).]:mfa-code:'
        '--mfa-command[A command whose first line of output is the code, e.g. '\''ykman oath accounts code -s rolecall'\''.]:mfa-command:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall_mfa_list() {
    local -i ret=1
    local -ar arg_specs=(
        '--json[Print JSON.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall_mfa_remove() {
    local -i ret=1
    local -ar arg_specs=(
        ':name:'
        '--mfa-code[The current TOTP code (visible in the process list; prefer the prompt or --mfa-command).]:mfa-code:'
        '--mfa-command[A command whose first line of output is the code, e.g. '\''ykman oath accounts code -s rolecall'\''.]:mfa-command:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall_profile() {
    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'add:Add a profile.'
            'list:List profiles.'
            'show:Show one profile.'
            'remove:Remove a profile.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        add|list|show|remove)
            "_rolecall_profile_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_rolecall_profile_add() {
    local -i ret=1
    local -ar ___mfa=('required' 'off')
    local -ar arg_specs=(
        ':name:'
        '--role-arn[arn\:aws\:iam\:\:ACCOUNT\:role/NAME]:role-arn:'
        '--profile-arn[arn\:aws\:rolesanywhere\:REGION\:ACCOUNT\:profile/ID]:profile-arn:'
        '--trust-anchor-arn[arn\:aws\:rolesanywhere\:REGION\:ACCOUNT\:trust-anchor/ID]:trust-anchor-arn:'
        '--region[AWS region (default\: the trust anchor'\''s).]:region:'
        '--duration[Longest AWS session, 15m to 12h or seconds.]:duration:'
        '--mfa[required\: a single-use certificate per session after a TOTP check; off\: no MFA.]:mfa:{__rolecall_complete "${___mfa[@]}"}'
        '--mfa-interval[How long one MFA check lets `exec --server` refresh credentials (16m to 12h; default 1h).]:mfa-interval:'
        '--endpoint[Roles Anywhere endpoint URL (default\: $AWS_ENDPOINT_URL_ROLESANYWHERE or the region'\''s).]:endpoint:'
        '--role-session-name[Session name to ask for (the Roles Anywhere profile must accept it).]:role-session-name:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall_profile_list() {
    local -i ret=1
    local -ar arg_specs=(
        '--json[Print JSON.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall_profile_show() {
    local -i ret=1
    local -ar arg_specs=(
        ':name:'
        '--json[Print JSON.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall_profile_remove() {
    local -i ret=1
    local -ar arg_specs=(
        ':name:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall_exec() {
    local -i ret=1
    local -ar arg_specs=(
        '--profile[The profile to use (default\: the one for --aws-role, $ROLECALL_PROFILE, or the only profile).]:profile:'
        '--aws-role[Use the profile whose role ARN is this.]:aws-role:'
        '--duration[AWS session length, 15m to 12h (default 1h, at most the profile'\''s --duration).]:duration:'
        '--region[AWS region (default\: the profile'\''s, else the trust anchor'\''s).]:region:'
        '--mfa-code[The current TOTP code (visible in the process list; prefer the prompt or --mfa-command).]:mfa-code:'
        '--mfa-command[A command whose first line of output is the code, e.g. '\''ykman oath accounts code -s rolecall'\''.]:mfa-command:'
        '--quiet[Do not print the line saying which role and until when.]'
        '--server[Stay as a supervisor that keeps the key in locked memory and serves refreshed credentials to COMMAND over a loopback container-credentials endpoint until COMMAND exits (one MFA check per MFA window, set with `profile add --mfa-interval`).]'
        '*:command:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall_env() {
    local -i ret=1
    local -ar ___format=('sh' 'fish' 'powershell' 'json')
    local -ar arg_specs=(
        '--profile[The profile to use (default\: the one for --aws-role, $ROLECALL_PROFILE, or the only profile).]:profile:'
        '--aws-role[Use the profile whose role ARN is this.]:aws-role:'
        '--duration[AWS session length, 15m to 12h (default 1h, at most the profile'\''s --duration).]:duration:'
        '--region[AWS region (default\: the profile'\''s, else the trust anchor'\''s).]:region:'
        '--mfa-code[The current TOTP code (visible in the process list; prefer the prompt or --mfa-command).]:mfa-code:'
        '--mfa-command[A command whose first line of output is the code, e.g. '\''ykman oath accounts code -s rolecall'\''.]:mfa-command:'
        '--format[sh, fish, powershell or json.]:format:{__rolecall_complete "${___format[@]}"}'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall_credential-process() {
    local -i ret=1
    local -ar arg_specs=(
        '--profile[The profile (must have --mfa off).]:profile:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall_aws-config() {
    local -i ret=1
    local -ar arg_specs=(
        '--profile[Only this profile.]:profile:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall_status() {
    local -i ret=1
    local -ar arg_specs=(
        '--json[Print JSON.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall_demo() {
    local -i ret=1
    local -ar arg_specs=(
        '*:command:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall_issuer() {
    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'init:Create the issuer'\''s database, key, CA and login-token key (once).'
            'serve:Serve the issuer API over TLS until SIGTERM or SIGINT.'
            'user:Manage the people who may log in.'
            'role:Which user may use which role, and how.'
            'audit:Show the issuer'\''s decisions: logins, certificates, refusals with their reason, lockouts.'
            'ca:The issuer'\''s CA: show it to register as a trust anchor, or rotate it.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        init|serve|user|role|audit|ca)
            "_rolecall_issuer_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_rolecall_issuer_init() {
    local -i ret=1
    local -ar arg_specs=(
        '--database[sqlite\:PATH or postgres\://USER@HOST\:PORT/DB (default\: $ROLECALL_ISSUER_DATABASE, else sqlite in $ROLECALL_HOME/issuer).]:database:'
        '--key-file[The file holding the issuer key (default\: $ROLECALL_HOME/issuer/issuer.key; $ROLECALL_ISSUER_KEY wins).]:key-file:'
        '--ca-name[The CA'\''s common name.]:ca-name:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall_issuer_serve() {
    local -i ret=1
    local -ar arg_specs=(
        '--database[sqlite\:PATH or postgres\://USER@HOST\:PORT/DB (default\: $ROLECALL_ISSUER_DATABASE, else sqlite in $ROLECALL_HOME/issuer).]:database:'
        '--key-file[The file holding the issuer key (default\: $ROLECALL_HOME/issuer/issuer.key; $ROLECALL_ISSUER_KEY wins).]:key-file:'
        '--listen[HOST\:PORT to listen on (\[\:\:1\]\:PORT for IPv6; port 0 picks one).]:listen:'
        '--tls-cert[PEM certificate chain to present.]:tls-cert:'
        '--tls-key[PEM private key of --tls-cert.]:tls-key:'
        '*--tls-name[Another host name or IP address for the self-signed certificate (repeatable; used when it is first made, e.g. the replicas'\'' load balancer name).]:tls-name:'
        '--login-attempts-per-minute[Logins allowed per client address per minute, per replica.]:login-attempts-per-minute:'
        '--certificates-per-minute[Certificates allowed per user per minute, per replica.]:certificates-per-minute:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall_issuer_user() {
    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'add:Add a user; prints their one-time password and TOTP enrollment URI once.'
            'list:List users (never their secrets).'
            'reset:Give a user a new one-time password (printed once), end their login sessions and lift a lockout; their TOTP device stays.'
            'disable:Refuse the user'\''s logins and certificates from now on; enabling again does not revive their login sessions.'
            'enable:Allow a disabled user again.'
            'remove:Remove a user and their role grants (audit rows stay).'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        add|list|reset|disable|enable|remove)
            "_rolecall_issuer_user_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_rolecall_issuer_user_add() {
    local -i ret=1
    local -ar arg_specs=(
        '--database[sqlite\:PATH or postgres\://USER@HOST\:PORT/DB (default\: $ROLECALL_ISSUER_DATABASE, else sqlite in $ROLECALL_HOME/issuer).]:database:'
        '--key-file[The file holding the issuer key (default\: $ROLECALL_HOME/issuer/issuer.key; $ROLECALL_ISSUER_KEY wins).]:key-file:'
        ':name:'
        '--login-session[How long a login session lasts, 15m to 168h.]:login-session:'
        '--json[Print {user, password, otpauthURI} as JSON and nothing else.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall_issuer_user_list() {
    local -i ret=1
    local -ar arg_specs=(
        '--database[sqlite\:PATH or postgres\://USER@HOST\:PORT/DB (default\: $ROLECALL_ISSUER_DATABASE, else sqlite in $ROLECALL_HOME/issuer).]:database:'
        '--key-file[The file holding the issuer key (default\: $ROLECALL_HOME/issuer/issuer.key; $ROLECALL_ISSUER_KEY wins).]:key-file:'
        '--json[Print JSON.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall_issuer_user_reset() {
    local -i ret=1
    local -ar arg_specs=(
        '--database[sqlite\:PATH or postgres\://USER@HOST\:PORT/DB (default\: $ROLECALL_ISSUER_DATABASE, else sqlite in $ROLECALL_HOME/issuer).]:database:'
        '--key-file[The file holding the issuer key (default\: $ROLECALL_HOME/issuer/issuer.key; $ROLECALL_ISSUER_KEY wins).]:key-file:'
        ':name:'
        '--json[Print {user, password} as JSON and nothing else.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall_issuer_user_disable() {
    local -i ret=1
    local -ar arg_specs=(
        '--database[sqlite\:PATH or postgres\://USER@HOST\:PORT/DB (default\: $ROLECALL_ISSUER_DATABASE, else sqlite in $ROLECALL_HOME/issuer).]:database:'
        '--key-file[The file holding the issuer key (default\: $ROLECALL_HOME/issuer/issuer.key; $ROLECALL_ISSUER_KEY wins).]:key-file:'
        ':name:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall_issuer_user_enable() {
    local -i ret=1
    local -ar arg_specs=(
        '--database[sqlite\:PATH or postgres\://USER@HOST\:PORT/DB (default\: $ROLECALL_ISSUER_DATABASE, else sqlite in $ROLECALL_HOME/issuer).]:database:'
        '--key-file[The file holding the issuer key (default\: $ROLECALL_HOME/issuer/issuer.key; $ROLECALL_ISSUER_KEY wins).]:key-file:'
        ':name:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall_issuer_user_remove() {
    local -i ret=1
    local -ar arg_specs=(
        '--database[sqlite\:PATH or postgres\://USER@HOST\:PORT/DB (default\: $ROLECALL_ISSUER_DATABASE, else sqlite in $ROLECALL_HOME/issuer).]:database:'
        '--key-file[The file holding the issuer key (default\: $ROLECALL_HOME/issuer/issuer.key; $ROLECALL_ISSUER_KEY wins).]:key-file:'
        ':name:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall_issuer_role() {
    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'allow:Allow a user a role (replaces an earlier grant of the same role).'
            'list:List role grants.'
            'revoke:Take a role away from a user.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        allow|list|revoke)
            "_rolecall_issuer_role_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_rolecall_issuer_role_allow() {
    local -i ret=1
    local -ar ___mfa=('per-session' 'login' 'off')
    local -ar arg_specs=(
        '--database[sqlite\:PATH or postgres\://USER@HOST\:PORT/DB (default\: $ROLECALL_ISSUER_DATABASE, else sqlite in $ROLECALL_HOME/issuer).]:database:'
        '--key-file[The file holding the issuer key (default\: $ROLECALL_HOME/issuer/issuer.key; $ROLECALL_ISSUER_KEY wins).]:key-file:'
        ':user:'
        ':role-arn:'
        '--profile-arn[arn\:aws\:rolesanywhere\:REGION\:ACCOUNT\:profile/ID]:profile-arn:'
        '--trust-anchor-arn[arn\:aws\:rolesanywhere\:REGION\:ACCOUNT\:trust-anchor/ID]:trust-anchor-arn:'
        '--region[AWS region (default\: the trust anchor'\''s).]:region:'
        '--max-duration[Longest AWS session, 15m to 12h.]:max-duration:'
        '--mfa[per-session\: a TOTP code with every certificate; login\: the login'\''s TOTP check covers it; off\: no MFA.]:mfa:{__rolecall_complete "${___mfa[@]}"}'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall_issuer_role_list() {
    local -i ret=1
    local -ar arg_specs=(
        '--database[sqlite\:PATH or postgres\://USER@HOST\:PORT/DB (default\: $ROLECALL_ISSUER_DATABASE, else sqlite in $ROLECALL_HOME/issuer).]:database:'
        '--key-file[The file holding the issuer key (default\: $ROLECALL_HOME/issuer/issuer.key; $ROLECALL_ISSUER_KEY wins).]:key-file:'
        '--user[Only this user'\''s grants.]:user:'
        '--json[Print JSON.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall_issuer_role_revoke() {
    local -i ret=1
    local -ar arg_specs=(
        '--database[sqlite\:PATH or postgres\://USER@HOST\:PORT/DB (default\: $ROLECALL_ISSUER_DATABASE, else sqlite in $ROLECALL_HOME/issuer).]:database:'
        '--key-file[The file holding the issuer key (default\: $ROLECALL_HOME/issuer/issuer.key; $ROLECALL_ISSUER_KEY wins).]:key-file:'
        ':user:'
        ':role-arn:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall_issuer_audit() {
    local -i ret=1
    local -ar arg_specs=(
        '--database[sqlite\:PATH or postgres\://USER@HOST\:PORT/DB (default\: $ROLECALL_ISSUER_DATABASE, else sqlite in $ROLECALL_HOME/issuer).]:database:'
        '--key-file[The file holding the issuer key (default\: $ROLECALL_HOME/issuer/issuer.key; $ROLECALL_ISSUER_KEY wins).]:key-file:'
        '--since[How far back, e.g. 15m, 1h, 24h.]:since:'
        '--json[Print a JSON array.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall_issuer_ca() {
    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'show:Print the current CA certificate (PEM).'
            'rotate:Make a new CA sign from now on (the old one is retired).'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        show|rotate)
            "_rolecall_issuer_ca_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_rolecall_issuer_ca_show() {
    local -i ret=1
    local -ar arg_specs=(
        '--database[sqlite\:PATH or postgres\://USER@HOST\:PORT/DB (default\: $ROLECALL_ISSUER_DATABASE, else sqlite in $ROLECALL_HOME/issuer).]:database:'
        '--key-file[The file holding the issuer key (default\: $ROLECALL_HOME/issuer/issuer.key; $ROLECALL_ISSUER_KEY wins).]:key-file:'
        '--all[Every CA, retired ones too, oldest first.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall_issuer_ca_rotate() {
    local -i ret=1
    local -ar arg_specs=(
        '--database[sqlite\:PATH or postgres\://USER@HOST\:PORT/DB (default\: $ROLECALL_ISSUER_DATABASE, else sqlite in $ROLECALL_HOME/issuer).]:database:'
        '--key-file[The file holding the issuer key (default\: $ROLECALL_HOME/issuer/issuer.key; $ROLECALL_ISSUER_KEY wins).]:key-file:'
        '--ca-name[The new CA'\''s common name.]:ca-name:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall_login() {
    local -i ret=1
    local -ar arg_specs=(
        '*--issuer[The issuer'\''s https\:// URL; repeat for replicas (the next is tried when one cannot be reached).]:issuer:'
        '--user[Your user name at the issuer.]:user:'
        '--pin-sha256[The SHA-256 fingerprint `rolecall issuer serve` printed; trust only that certificate.]:pin-sha256:'
        '--password-stdin[Read the password from the first line of stdin instead of the terminal (and a new one, when asked for, from the second).]'
        '--no-mfa[Log in without a TOTP code (only roles with --mfa off can be used).]'
        '--mfa-code[The current TOTP code (visible in the process list; prefer the prompt or --mfa-command).]:mfa-code:'
        '--mfa-command[A command whose first line of output is the code, e.g. '\''ykman oath accounts code -s rolecall'\''.]:mfa-command:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall_logout() {
    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall_help() {
    local -i ret=1
    local -ar arg_specs=(
        '*:subcommands:'
        '--version[Show the version.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

if [[ "${funcstack[1]}" = _rolecall ]]; then
    _rolecall "${@}"
else
    compdef _rolecall rolecall
fi
