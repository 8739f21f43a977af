#compdef rolecall-issuer

__rolecall-issuer_complete() {
    local -ar non_empty_completions=("${@:#(|:*)}")
    local -ar empty_completions=("${(M)@:#(|:*)}")
    _describe -V '' non_empty_completions -- empty_completions -P $'\'\''
}

__rolecall-issuer_custom_complete() {
    local -a completions
    completions=("${(@f)"$("${command_name}" "${@}" "${command_line[@]}")"}")
    if [[ "${#completions[@]}" -gt 1 ]]; then
        __rolecall-issuer_complete "${completions[@]:0:-1}"
    fi
}

__rolecall-issuer_cursor_index_in_current_word() {
    if [[ -z "${QIPREFIX}${IPREFIX}${PREFIX}" ]]; then
        printf 0
    else
        printf %s "${#${(z)LBUFFER}[-1]}"
    fi
}

_rolecall-issuer() {
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
            'init:Create the issuer'\''s database, key, CA and login-token key (once).'
            'serve:Serve the issuer API over TLS until SIGTERM or SIGINT.'
            'user:Manage the people who may log in.'
            'role:Which user may use which role, and how.'
            'audit:Show the issuer'\''s decisions: logins, certificates, refusals with their reason, lockouts, administrative changes.'
            'ca:The issuer'\''s CA: show it to register as a trust anchor, or rotate it.'
            'help:Show subcommand help information.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        init|serve|user|role|audit|ca|help)
            "_rolecall-issuer_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_rolecall-issuer_init() {
    local -i ret=1
    local -ar arg_specs=(
        '--database[sqlite\:PATH or postgres\://USER@HOST\:PORT/DB (default\: $ROLECALL_ISSUER_DATABASE, else sqlite in $ROLECALL_HOME/issuer).]:database:'
        '--key-file[The file holding the issuer key (default\: $ROLECALL_HOME/issuer/issuer.key; $ROLECALL_ISSUER_KEY wins).]:key-file:'
        '--ca-name[The CA'\''s common name.]:ca-name:'
        '--ca-key[Keep the CA'\''s key on a PKCS#11 token (an HSM every replica reaches), e.g. '\''pkcs11\:token=NAME;object=rolecall-team-ca'\'' (made there when absent; the database then holds no CA key).]:ca-key:'
        '--pkcs11-module[The PKCS#11 module to load (default\: the URI'\''s module-path, the one the CA was made with, $ROLECALL_PKCS11_MODULE, else p11-kit'\''s proxy).]:pkcs11-module:'
        '--pin-command[A command whose first line of output is the HSM'\''s PIN (default\: the file $ROLECALL_ISSUER_PKCS11_PIN_FILE names, mode 0600).]:pin-command:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall-issuer_serve() {
    local -i ret=1
    local -ar arg_specs=(
        '--database[sqlite\:PATH or postgres\://USER@HOST\:PORT/DB (default\: $ROLECALL_ISSUER_DATABASE, else sqlite in $ROLECALL_HOME/issuer).]:database:'
        '--key-file[The file holding the issuer key (default\: $ROLECALL_HOME/issuer/issuer.key; $ROLECALL_ISSUER_KEY wins).]:key-file:'
        '--pkcs11-module[The PKCS#11 module to load (default\: the URI'\''s module-path, the one the CA was made with, $ROLECALL_PKCS11_MODULE, else p11-kit'\''s proxy).]:pkcs11-module:'
        '--pin-command[A command whose first line of output is the HSM'\''s PIN (default\: the file $ROLECALL_ISSUER_PKCS11_PIN_FILE names, mode 0600).]:pin-command:'
        '--listen[HOST\:PORT to listen on (\[\:\:1\]\:PORT for IPv6; port 0 picks one).]:listen:'
        '--tls-cert[PEM certificate chain to present.]:tls-cert:'
        '--tls-key[PEM private key of --tls-cert.]:tls-key:'
        '*--tls-name[Another host name or IP address for the self-signed certificate (repeatable; used when it is first made, e.g. the replicas'\'' load balancer name).]:tls-name:'
        '--login-attempts-per-minute[Logins allowed per source address (an IPv6 /64; all of 127.0.0.0/8 is one) per minute, per replica.]:login-attempts-per-minute:'
        '--certificates-per-minute[Certificates allowed per user per minute, per replica.]:certificates-per-minute:'
        '--connections-per-address[Open connections allowed per source address; beyond it new ones are closed at once.]:connections-per-address:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall-issuer_user() {
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
            'reset:Give a user a new one-time password (printed once), end their login and console sessions and lift a lockout; their TOTP devices stay unless --new-device.'
            'disable:Refuse the user'\''s logins and certificates from now on; enabling again does not revive their login sessions.'
            'enable:Allow a disabled user again.'
            'admin:Let a user use the web console'\''s administrator pages, or no longer (audited).'
            'remove:Remove a user and their role grants (audit rows stay).'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        add|list|reset|disable|enable|admin|remove)
            "_rolecall-issuer_user_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_rolecall-issuer_user_add() {
    local -i ret=1
    local -ar arg_specs=(
        '--database[sqlite\:PATH or postgres\://USER@HOST\:PORT/DB (default\: $ROLECALL_ISSUER_DATABASE, else sqlite in $ROLECALL_HOME/issuer).]:database:'
        '--key-file[The file holding the issuer key (default\: $ROLECALL_HOME/issuer/issuer.key; $ROLECALL_ISSUER_KEY wins).]:key-file:'
        ':name:'
        '--login-session[How long a login session lasts, 15m to 168h.]:login-session:'
        '--admin[May use the web console'\''s administrator pages (audit, users, roles, certificates).]'
        '--json[Print {user, password, otpauthURI} as JSON and nothing else.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall-issuer_user_list() {
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

_rolecall-issuer_user_reset() {
    local -i ret=1
    local -ar arg_specs=(
        '--database[sqlite\:PATH or postgres\://USER@HOST\:PORT/DB (default\: $ROLECALL_ISSUER_DATABASE, else sqlite in $ROLECALL_HOME/issuer).]:database:'
        '--key-file[The file holding the issuer key (default\: $ROLECALL_HOME/issuer/issuer.key; $ROLECALL_ISSUER_KEY wins).]:key-file:'
        ':name:'
        '--new-device[Also replace all the user'\''s TOTP devices with one new seed (printed once), for a lost phone.]'
        '--json[Print {user, password} (and otpauthURI with --new-device) as JSON and nothing else.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall-issuer_user_disable() {
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

_rolecall-issuer_user_enable() {
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

_rolecall-issuer_user_admin() {
    local -i ret=1
    local -ar arg_specs=(
        '--database[sqlite\:PATH or postgres\://USER@HOST\:PORT/DB (default\: $ROLECALL_ISSUER_DATABASE, else sqlite in $ROLECALL_HOME/issuer).]:database:'
        '--key-file[The file holding the issuer key (default\: $ROLECALL_HOME/issuer/issuer.key; $ROLECALL_ISSUER_KEY wins).]:key-file:'
        ':name:'
        '--on[Make the user an administrator of the console (its audit, users and roles pages).]'
        '--off[Make the user an ordinary user again\: their own page only.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall-issuer_user_remove() {
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

_rolecall-issuer_role() {
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
            'set-trust-anchor:Move every grant on one trust anchor to another (after promoting a staged CA that has a trust anchor of its own).'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        allow|list|revoke|set-trust-anchor)
            "_rolecall-issuer_role_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_rolecall-issuer_role_allow() {
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
        '--mfa[per-session\: a TOTP code with every certificate; login\: the login'\''s TOTP check covers it; off\: no MFA.]:mfa:{__rolecall-issuer_complete "${___mfa[@]}"}'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall-issuer_role_list() {
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

_rolecall-issuer_role_revoke() {
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

_rolecall-issuer_role_set-trust-anchor() {
    local -i ret=1
    local -ar arg_specs=(
        '--database[sqlite\:PATH or postgres\://USER@HOST\:PORT/DB (default\: $ROLECALL_ISSUER_DATABASE, else sqlite in $ROLECALL_HOME/issuer).]:database:'
        '--key-file[The file holding the issuer key (default\: $ROLECALL_HOME/issuer/issuer.key; $ROLECALL_ISSUER_KEY wins).]:key-file:'
        ':trust-anchor-arn:'
        '--from[The trust anchor the grants use now.]:from:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall-issuer_audit() {
    local -i ret=1
    local -ar arg_specs=(
        '--database[sqlite\:PATH or postgres\://USER@HOST\:PORT/DB (default\: $ROLECALL_ISSUER_DATABASE, else sqlite in $ROLECALL_HOME/issuer).]:database:'
        '--key-file[The file holding the issuer key (default\: $ROLECALL_HOME/issuer/issuer.key; $ROLECALL_ISSUER_KEY wins).]:key-file:'
        '--since[How far back, e.g. 15m, 1h, 24h, 7d.]:since:'
        '--after-id[With --follow\: start after this row id (the `id` of the last row seen).]:after-id:'
        '--json[Print a JSON array (with --follow, one JSON object per line).]'
        '--follow[Keep printing new rows as they are written, as JSON lines (with --json), until interrupted; a row counted again is printed again with its new count (keep the last line of each id).]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'prune:Delete audit rows older than a duration or a date, in batches, without stopping issuance (itself audited).'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        prune)
            "_rolecall-issuer_audit_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_rolecall-issuer_audit_prune() {
    local -i ret=1
    local -ar arg_specs=(
        '--database[sqlite\:PATH or postgres\://USER@HOST\:PORT/DB (default\: $ROLECALL_ISSUER_DATABASE, else sqlite in $ROLECALL_HOME/issuer).]:database:'
        '--key-file[The file holding the issuer key (default\: $ROLECALL_HOME/issuer/issuer.key; $ROLECALL_ISSUER_KEY wins).]:key-file:'
        '--before[A duration back from now (30d, 90d, 12h; at least 12h) or an RFC 3339 time (2026-11-01T00\:00\:00Z).]:before:'
        '--dry-run[Only count the rows that would go.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall-issuer_ca() {
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
            'show:Print the current CA certificate (PEM), and the staged one after it while a rotation is staged.'
            'rotate:Make a new CA sign: at once, or staged (--stage, then --promote) so the trust anchor can hold both first.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        show|rotate)
            "_rolecall-issuer_ca_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_rolecall-issuer_ca_show() {
    local -i ret=1
    local -ar arg_specs=(
        '--database[sqlite\:PATH or postgres\://USER@HOST\:PORT/DB (default\: $ROLECALL_ISSUER_DATABASE, else sqlite in $ROLECALL_HOME/issuer).]:database:'
        '--key-file[The file holding the issuer key (default\: $ROLECALL_HOME/issuer/issuer.key; $ROLECALL_ISSUER_KEY wins).]:key-file:'
        '--all[Every CA, retired ones too, oldest first.]'
        '--json[Print a JSON array\: certificatePEM, fingerprintSHA256, notValidAfter, current, staged.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall-issuer_ca_rotate() {
    local -i ret=1
    local -ar arg_specs=(
        '--database[sqlite\:PATH or postgres\://USER@HOST\:PORT/DB (default\: $ROLECALL_ISSUER_DATABASE, else sqlite in $ROLECALL_HOME/issuer).]:database:'
        '--key-file[The file holding the issuer key (default\: $ROLECALL_HOME/issuer/issuer.key; $ROLECALL_ISSUER_KEY wins).]:key-file:'
        '--ca-name[The new CA'\''s common name.]:ca-name:'
        '--stage[Create the next CA and keep signing with the current one; `ca show` prints both for the trust anchor.]'
        '--promote[Switch signing to the staged CA, on every replica.]'
        '--ca-key[Keep the CA'\''s key on a PKCS#11 token (an HSM every replica reaches), e.g. '\''pkcs11\:token=NAME;object=rolecall-team-ca'\'' (made there when absent; the database then holds no CA key).]:ca-key:'
        '--pkcs11-module[The PKCS#11 module to load (default\: the URI'\''s module-path, the one the CA was made with, $ROLECALL_PKCS11_MODULE, else p11-kit'\''s proxy).]:pkcs11-module:'
        '--pin-command[A command whose first line of output is the HSM'\''s PIN (default\: the file $ROLECALL_ISSUER_PKCS11_PIN_FILE names, mode 0600).]:pin-command:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall-issuer_help() {
    local -i ret=1
    local -ar arg_specs=(
        '*:subcommands:'
        '--version[Show the version.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

if [[ "${funcstack[1]}" = _rolecall-issuer ]]; then
    _rolecall-issuer "${@}"
else
    compdef _rolecall-issuer rolecall-issuer
fi
