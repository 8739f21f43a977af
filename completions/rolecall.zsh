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
            'agent:One MFA check for several profiles, served to credential-process in this shell'\''s process tree until the shell exits.'
            'credential-process:Print AWS credential_process JSON for a profile: from this tree'\''s agent, or for a profile without per-session MFA.'
            'aws-config:Print ~/.aws/config blocks for rolecall'\''s profiles (never edits the file).'
            'console:Open the AWS console in the browser as the profile'\''s role (one MFA check).'
            'status:Show the CA, profiles, MFA devices and the current session (inside exec).'
            'prompt:Print a short prompt segment (`dev 42m`) inside a session or an agent'\''s shell; nothing outside.'
            'demo:Run the whole flow against the bundled emulator: no AWS account needed.'
            'issuer:The team issuer service and its administration (runs rolecall-issuer).'
            'login:Log in to a team issuer: a login session on disk (never AWS credentials) and a profile per allowed role.'
            'logout:Delete the team issuer login session (the profiles stay and ask you to log in).'
            'help:Show subcommand help information.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        init|ca|mfa|profile|exec|env|agent|credential-process|aws-config|console|status|prompt|demo|issuer|login|logout|help)
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
        '--ca-key[Keep the CA'\''s key on a PKCS#11 token, e.g. '\''pkcs11\:token=NAME;object=rolecall-ca'\'' (made there when absent; never written to a file).]:ca-key:'
        '--pin-command[A command whose first line of output is the token'\''s PIN (default\: a prompt on the terminal).]:pin-command:'
        '--pkcs11-module[The PKCS#11 module (default\: the URI'\''s module-path, the one the config remembers, $ROLECALL_PKCS11_MODULE, else p11-kit'\''s proxy).]:pkcs11-module:'
        '--mfa-code[The current TOTP code (visible in the process list; prefer the prompt or --mfa-command).]:mfa-code:'
        '--mfa-command[A command whose first line of output is the code, e.g. '\''ykman oath accounts code -s rolecall'\''.]:mfa-command:'
        '--no-verify[Do not ask for a code at the end to check that the authenticator was set up (for scripts).]'
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
            'rotate:Create a new CA: at once, or staged (--stage, then --promote) so the trust anchor can hold both first.'
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
        '--stage[Create the next CA and keep signing with the current one; `ca show` prints both for the trust anchor.]'
        '--promote[Switch signing to the staged CA.]'
        '--mfa-code[The current TOTP code (visible in the process list; prefer the prompt or --mfa-command).]:mfa-code:'
        '--mfa-command[A command whose first line of output is the code, e.g. '\''ykman oath accounts code -s rolecall'\''.]:mfa-command:'
        '--ca-key[Keep the CA'\''s key on a PKCS#11 token, e.g. '\''pkcs11\:token=NAME;object=rolecall-ca'\'' (made there when absent; never written to a file).]:ca-key:'
        '--pin-command[A command whose first line of output is the token'\''s PIN (default\: a prompt on the terminal).]:pin-command:'
        '--pkcs11-module[The PKCS#11 module (default\: the URI'\''s module-path, the one the config remembers, $ROLECALL_PKCS11_MODULE, else p11-kit'\''s proxy).]:pkcs11-module:'
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
            'verify:Check that an authenticator gives codes rolecall accepts (spends the code), e.g. after init.'
            'list:List TOTP devices (never their secrets).'
            'remove:Remove a TOTP device (needs a code).'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        add|verify|list|remove)
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

_rolecall_mfa_verify() {
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
            'set:Change the endpoints of a profile, and say what changed (other settings: profile add NAME ... --force).'
            'list:List profiles.'
            'show:Show one profile.'
            'remove:Remove a profile.'
            'set-trust-anchor:Point the profiles of rolecall'\''s CA at another trust anchor (after promoting a staged CA that has a trust anchor of its own).'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        add|set|list|show|remove|set-trust-anchor)
            "_rolecall_profile_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_rolecall_profile_add() {
    local -i ret=1
    local -ar ___mfa=('required' 'token' 'off')
    local -ar arg_specs=(
        ':name:'
        '--role-arn[arn\:aws\:iam\:\:ACCOUNT\:role/NAME]:role-arn:'
        '--profile-arn[arn\:aws\:rolesanywhere\:REGION\:ACCOUNT\:profile/ID]:profile-arn:'
        '--trust-anchor-arn[arn\:aws\:rolesanywhere\:REGION\:ACCOUNT\:trust-anchor/ID]:trust-anchor-arn:'
        '--source-profile[Chain roles\: assume --role-arn with STS AssumeRole, signed with a session of this profile (its MFA, one code for both); at most 1h.]:source-profile:{__rolecall_custom_complete ---completion profile add -- --source-profile "${current_word_index}" "$(__rolecall_cursor_index_in_current_word)"}'
        '--external-id[The external ID the chained role'\''s trust policy asks for (with --source-profile).]:external-id:'
        '--region[AWS region (default\: the trust anchor'\''s).]:region:'
        '--duration[Longest AWS session, 15m to 12h or seconds.]:duration:'
        '--mfa[required\: a single-use certificate per session after a TOTP check; token\: the same, with the PIN of the token that holds the CA'\''s key as the check; off\: no MFA. Default\: token when the CA'\''s key is on a token, else required.]:mfa:{__rolecall_complete "${___mfa[@]}"}'
        '--pin-command[A command whose first line of output is the token'\''s PIN, for commands given none (e.g. credential_process with --mfa off).]:pin-command:'
        '--certificate[Sign CreateSession with your own certificate instead of rolecall'\''s CA\: a PEM or DER file, or pkcs11\:URI of a certificate object.]:certificate:'
        '--private-key[The certificate'\''s key\: a PEM file (mode 0600) or pkcs11\:URI (the PIN is asked each session).]:private-key:'
        '--intermediates[A PEM file of the intermediates between the certificate and the trust anchor.]:intermediates:'
        '--pkcs11-module[The PKCS#11 module for --private-key pkcs11\:URI (default\: the URI'\''s module-path, $ROLECALL_PKCS11_MODULE, else p11-kit'\''s proxy); remembered.]:pkcs11-module:'
        '--mfa-interval[How long one MFA check lets `exec --server` refresh credentials (16m to 12h; default 1h).]:mfa-interval:'
        '--endpoint[Roles Anywhere endpoint URL, for CreateSession only (default\: $AWS_ENDPOINT_URL_ROLESANYWHERE or the region'\''s).]:endpoint:'
        '--sts-endpoint[STS endpoint URL\: a chained profile'\''s AssumeRole, and AWS_ENDPOINT_URL_STS for the command (default\: $AWS_ENDPOINT_URL_STS or the region'\''s).]:sts-endpoint:'
        '--signin-endpoint[Console sign-in (federation) endpoint URL for `rolecall console` (default\: $ROLECALL_SIGNIN_ENDPOINT or the partition'\''s).]:signin-endpoint:'
        '--emulator[All three endpoints at one URL, as rolesanywhere-emulator serves them (the URL it prints first).]:emulator:'
        '--force[Replace the profile of this name, if there is one, and say what changed.]'
        '--role-session-name[Session name to ask for (the Roles Anywhere profile must accept it; with --source-profile, AssumeRole'\''s, default rolecall-$USER).]:role-session-name:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall_profile_set() {
    local -i ret=1
    local -ar arg_specs=(
        ':name:{__rolecall_custom_complete ---completion profile set -- positional@0 "${current_word_index}" "$(__rolecall_cursor_index_in_current_word)"}'
        '--endpoint[Roles Anywhere endpoint URL, for CreateSession only (default\: $AWS_ENDPOINT_URL_ROLESANYWHERE or the region'\''s).]:endpoint:'
        '--sts-endpoint[STS endpoint URL\: a chained profile'\''s AssumeRole, and AWS_ENDPOINT_URL_STS for the command (default\: $AWS_ENDPOINT_URL_STS or the region'\''s).]:sts-endpoint:'
        '--signin-endpoint[Console sign-in (federation) endpoint URL for `rolecall console` (default\: $ROLECALL_SIGNIN_ENDPOINT or the partition'\''s).]:signin-endpoint:'
        '--emulator[All three endpoints at one URL, as rolesanywhere-emulator serves them (the URL it prints first).]:emulator:'
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
        ':name:{__rolecall_custom_complete ---completion profile show -- positional@0 "${current_word_index}" "$(__rolecall_cursor_index_in_current_word)"}'
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
        ':name:{__rolecall_custom_complete ---completion profile remove -- positional@0 "${current_word_index}" "$(__rolecall_cursor_index_in_current_word)"}'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall_profile_set-trust-anchor() {
    local -i ret=1
    local -ar arg_specs=(
        ':trust-anchor-arn:'
        '--from[Only the profiles on this trust anchor (default\: every profile of rolecall'\''s CA).]:from:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall_exec() {
    local -i ret=1
    local -ar arg_specs=(
        '*--profile[The profile to use (default\: the one for --aws-role, $ROLECALL_PROFILE, or the only profile); `exec --server` and `agent` take several.]:profile:{__rolecall_custom_complete ---completion exec -- --profile "${current_word_index}" "$(__rolecall_cursor_index_in_current_word)"}'
        '--aws-role[Use the profile whose role ARN is this.]:aws-role:'
        '--duration[AWS session length, 15m to 12h (default 1h, at most the profile'\''s --duration).]:duration:'
        '--region[AWS region (default\: the profile'\''s, else the trust anchor'\''s).]:region:'
        '--mfa-code[The current TOTP code (visible in the process list; prefer the prompt or --mfa-command).]:mfa-code:'
        '--mfa-command[A command whose first line of output is the code, e.g. '\''ykman oath accounts code -s rolecall'\''.]:mfa-command:'
        '--pin-command[A command whose first line of output is the token'\''s PIN (default\: a prompt on the terminal).]:pin-command:'
        '--pkcs11-module[The PKCS#11 module (default\: the URI'\''s module-path, the one the config remembers, $ROLECALL_PKCS11_MODULE, else p11-kit'\''s proxy).]:pkcs11-module:'
        '--quiet[Do not print the line saying which role and until when.]'
        '--server[Stay as a supervisor that keeps the key in locked memory and serves refreshed credentials to COMMAND over a loopback container-credentials endpoint until COMMAND exits (one MFA check per MFA window, set with `profile add --mfa-interval`).]'
        '--imds[As --server, but serve EC2'\''s instance metadata protocol (IMDSv2 only) on a loopback port instead, for tools that know no other (AWS_EC2_METADATA_SERVICE_ENDPOINT).]'
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
        '*--profile[The profile to use (default\: the one for --aws-role, $ROLECALL_PROFILE, or the only profile); `exec --server` and `agent` take several.]:profile:{__rolecall_custom_complete ---completion env -- --profile "${current_word_index}" "$(__rolecall_cursor_index_in_current_word)"}'
        '--aws-role[Use the profile whose role ARN is this.]:aws-role:'
        '--duration[AWS session length, 15m to 12h (default 1h, at most the profile'\''s --duration).]:duration:'
        '--region[AWS region (default\: the profile'\''s, else the trust anchor'\''s).]:region:'
        '--mfa-code[The current TOTP code (visible in the process list; prefer the prompt or --mfa-command).]:mfa-code:'
        '--mfa-command[A command whose first line of output is the code, e.g. '\''ykman oath accounts code -s rolecall'\''.]:mfa-command:'
        '--pin-command[A command whose first line of output is the token'\''s PIN (default\: a prompt on the terminal).]:pin-command:'
        '--pkcs11-module[The PKCS#11 module (default\: the URI'\''s module-path, the one the config remembers, $ROLECALL_PKCS11_MODULE, else p11-kit'\''s proxy).]:pkcs11-module:'
        '--format[The shell the lines are for, or json.]:format:{__rolecall_complete "${___format[@]}"}'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall_agent() {
    local -i ret=1
    local -ar ___format=('sh' 'fish' 'powershell' 'json')
    local -ar arg_specs=(
        '*--profile[The profile to use (default\: the one for --aws-role, $ROLECALL_PROFILE, or the only profile); `exec --server` and `agent` take several.]:profile:{__rolecall_custom_complete ---completion agent -- --profile "${current_word_index}" "$(__rolecall_cursor_index_in_current_word)"}'
        '--aws-role[Use the profile whose role ARN is this.]:aws-role:'
        '--duration[AWS session length, 15m to 12h (default 1h, at most the profile'\''s --duration).]:duration:'
        '--region[AWS region (default\: the profile'\''s, else the trust anchor'\''s).]:region:'
        '--mfa-code[The current TOTP code (visible in the process list; prefer the prompt or --mfa-command).]:mfa-code:'
        '--mfa-command[A command whose first line of output is the code, e.g. '\''ykman oath accounts code -s rolecall'\''.]:mfa-command:'
        '--pin-command[A command whose first line of output is the token'\''s PIN (default\: a prompt on the terminal).]:pin-command:'
        '--pkcs11-module[The PKCS#11 module (default\: the URI'\''s module-path, the one the config remembers, $ROLECALL_PKCS11_MODULE, else p11-kit'\''s proxy).]:pkcs11-module:'
        '--format[The shell the lines are for.]:sh|fish:{__rolecall_complete "${___format[@]}"}'
        '--shell-pid[The shell to serve and end with\: $$ in bash and zsh, $fish_pid in fish (default\: the parent, when it outlives rolecall).]:shell-pid:'
        '--stop[Stop this shell'\''s agent, and print the lines that unset its variables.]'
        '--list[List this user'\''s agents, removing the directories of those that have ended.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall_credential-process() {
    local -i ret=1
    local -ar arg_specs=(
        '--profile[The profile.]:profile:{__rolecall_custom_complete ---completion credential-process -- --profile "${current_word_index}" "$(__rolecall_cursor_index_in_current_word)"}'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall_aws-config() {
    local -i ret=1
    local -ar arg_specs=(
        '--profile[Only this profile.]:profile:{__rolecall_custom_complete ---completion aws-config -- --profile "${current_word_index}" "$(__rolecall_cursor_index_in_current_word)"}'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall_console() {
    local -i ret=1
    local -ar arg_specs=(
        '*--profile[The profile to use (default\: the one for --aws-role, $ROLECALL_PROFILE, or the only profile); `exec --server` and `agent` take several.]:profile:{__rolecall_custom_complete ---completion console -- --profile "${current_word_index}" "$(__rolecall_cursor_index_in_current_word)"}'
        '--aws-role[Use the profile whose role ARN is this.]:aws-role:'
        '--duration[AWS session length, 15m to 12h (default 1h, at most the profile'\''s --duration).]:duration:'
        '--region[AWS region (default\: the profile'\''s, else the trust anchor'\''s).]:region:'
        '--mfa-code[The current TOTP code (visible in the process list; prefer the prompt or --mfa-command).]:mfa-code:'
        '--mfa-command[A command whose first line of output is the code, e.g. '\''ykman oath accounts code -s rolecall'\''.]:mfa-command:'
        '--pin-command[A command whose first line of output is the token'\''s PIN (default\: a prompt on the terminal).]:pin-command:'
        '--pkcs11-module[The PKCS#11 module (default\: the URI'\''s module-path, the one the config remembers, $ROLECALL_PKCS11_MODULE, else p11-kit'\''s proxy).]:pkcs11-module:'
        '--destination[The console page to open (default\: the console home of the profile'\''s region).]:destination:'
        '--print[Print the sign-in URL on stdout instead of opening the browser (it is a secret for 15 minutes).]'
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

_rolecall_prompt() {
    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall_demo() {
    local -i ret=1
    local -ar arg_specs=(
        '--keep[Leave the emulator running, and the temporary home with it; print the lines that use them and how to stop it.]'
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
        '*:arguments:{__rolecall_custom_complete ---completion issuer -- positional@0 "${current_word_index}" "$(__rolecall_cursor_index_in_current_word)"}'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rolecall_login() {
    local -i ret=1
    local -ar arg_specs=(
        '*--issuer[The issuer'\''s https\:// URL; repeat for replicas (the next is tried when one cannot be reached). Default\: the last login'\''s.]:issuer:'
        '--user[Your user name at the issuer (default\: the last login'\''s).]:user:'
        '--pin-sha256[The SHA-256 fingerprint `rolecall issuer serve` printed; trust only that certificate.]:pin-sha256:'
        '--password-stdin[Read the password from the first line of stdin instead of the terminal (and a new one, when asked for, from the second).]'
        '--no-mfa[Log in without a TOTP code (only roles with --mfa off can be used).]'
        '--prefix[Put this before each role'\''s name in the profiles this login writes, e.g. team- (team-dev beside your own dev); "" for none. Default\: the last login'\''s when --issuer is not given.]:prefix:'
        '--endpoint[Roles Anywhere endpoint URL, for CreateSession only (default\: $AWS_ENDPOINT_URL_ROLESANYWHERE or the region'\''s).]:endpoint:'
        '--sts-endpoint[STS endpoint URL\: a chained profile'\''s AssumeRole, and AWS_ENDPOINT_URL_STS for the command (default\: $AWS_ENDPOINT_URL_STS or the region'\''s).]:sts-endpoint:'
        '--signin-endpoint[Console sign-in (federation) endpoint URL for `rolecall console` (default\: $ROLECALL_SIGNIN_ENDPOINT or the partition'\''s).]:signin-endpoint:'
        '--emulator[All three endpoints at one URL, as rolesanywhere-emulator serves them (the URL it prints first).]:emulator:'
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
