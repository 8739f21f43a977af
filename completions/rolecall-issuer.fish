function __rolecall-issuer_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __rolecall-issuer_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __rolecall-issuer_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __rolecall-issuer_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __rolecall-issuer_parse_tokens -S
    set -l unparsed_tokens (__rolecall-issuer_tokens -pc)
    switch $unparsed_tokens[1]
    case 'rolecall-issuer'
        __rolecall-issuer_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'init'
            __rolecall-issuer_parse_subcommand 0 'database=' 'key-file=' 'ca-name=' 'ca-key=' 'pkcs11-module=' 'pin-command=' 'version' 'h/help'
        case 'serve'
            __rolecall-issuer_parse_subcommand 0 'database=' 'key-file=' 'pkcs11-module=' 'pin-command=' 'listen=' 'tls-cert=' 'tls-key=' 'tls-name=+' 'login-attempts-per-minute=' 'certificates-per-minute=' 'connections-per-address=' 'version' 'h/help'
        case 'user'
            __rolecall-issuer_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'add'
                __rolecall-issuer_parse_subcommand 1 'database=' 'key-file=' 'login-session=' 'admin' 'json' 'version' 'h/help'
            case 'list'
                __rolecall-issuer_parse_subcommand 0 'database=' 'key-file=' 'json' 'version' 'h/help'
            case 'reset'
                __rolecall-issuer_parse_subcommand 1 'database=' 'key-file=' 'new-device' 'json' 'version' 'h/help'
            case 'disable'
                __rolecall-issuer_parse_subcommand 1 'database=' 'key-file=' 'version' 'h/help'
            case 'enable'
                __rolecall-issuer_parse_subcommand 1 'database=' 'key-file=' 'version' 'h/help'
            case 'admin'
                __rolecall-issuer_parse_subcommand 1 'database=' 'key-file=' 'on' 'off' 'version' 'h/help'
            case 'remove'
                __rolecall-issuer_parse_subcommand 1 'database=' 'key-file=' 'version' 'h/help'
            end
        case 'role'
            __rolecall-issuer_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'allow'
                __rolecall-issuer_parse_subcommand 2 'database=' 'key-file=' 'profile-arn=' 'trust-anchor-arn=' 'region=' 'max-duration=' 'mfa=' 'version' 'h/help'
            case 'list'
                __rolecall-issuer_parse_subcommand 0 'database=' 'key-file=' 'user=' 'json' 'version' 'h/help'
            case 'revoke'
                __rolecall-issuer_parse_subcommand 2 'database=' 'key-file=' 'version' 'h/help'
            case 'set-trust-anchor'
                __rolecall-issuer_parse_subcommand 1 'database=' 'key-file=' 'from=' 'version' 'h/help'
            end
        case 'audit'
            __rolecall-issuer_parse_subcommand 0 'database=' 'key-file=' 'since=' 'after-id=' 'json' 'follow' 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'prune'
                __rolecall-issuer_parse_subcommand 0 'database=' 'key-file=' 'before=' 'dry-run' 'version' 'h/help'
            end
        case 'ca'
            __rolecall-issuer_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'show'
                __rolecall-issuer_parse_subcommand 0 'database=' 'key-file=' 'all' 'json' 'version' 'h/help'
            case 'rotate'
                __rolecall-issuer_parse_subcommand 0 'database=' 'key-file=' 'ca-name=' 'stage' 'promote' 'ca-key=' 'pkcs11-module=' 'pin-command=' 'version' 'h/help'
            end
        case 'help'
            __rolecall-issuer_parse_subcommand -r 1 'version'
        end
    end
end

function __rolecall-issuer_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __rolecall-issuer_parse_subcommand -S -a positional_count
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

function __rolecall-issuer_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __rolecall-issuer_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__rolecall-issuer_tokens -p)
    if test -z "$(__rolecall-issuer_tokens -t)"
        set -l index (count (__rolecall-issuer_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'rolecall-issuer' -f
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_positional "rolecall-issuer" -eq 1' -fa 'init' -d 'Create the issuer\'s database, key, CA and login-token key (once).'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_positional "rolecall-issuer" -eq 1' -fa 'serve' -d 'Serve the issuer API over TLS until SIGTERM or SIGINT.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_positional "rolecall-issuer" -eq 1' -fa 'user' -d 'Manage the people who may log in.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_positional "rolecall-issuer" -eq 1' -fa 'role' -d 'Which user may use which role, and how.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_positional "rolecall-issuer" -eq 1' -fa 'audit' -d 'Show the issuer\'s decisions: logins, certificates, refusals with their reason, lockouts, administrative changes.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_positional "rolecall-issuer" -eq 1' -fa 'ca' -d 'The issuer\'s CA: show it to register as a trust anchor, or rotate it.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_positional "rolecall-issuer" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer init" database' -l 'database' -d 'sqlite:PATH or postgres://USER@HOST:PORT/DB (default: $ROLECALL_ISSUER_DATABASE, else sqlite in $ROLECALL_HOME/issuer).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer init" key-file' -l 'key-file' -d 'The file holding the issuer key (default: $ROLECALL_HOME/issuer/issuer.key; $ROLECALL_ISSUER_KEY wins).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer init" ca-name' -l 'ca-name' -d 'The CA\'s common name.' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer init" ca-key' -l 'ca-key' -d 'Keep the CA\'s key on a PKCS#11 token (an HSM every replica reaches), e.g. \'pkcs11:token=NAME;object=rolecall-team-ca\' (made there when absent; the database then holds no CA key).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer init" pkcs11-module' -l 'pkcs11-module' -d 'The PKCS#11 module to load (default: the URI\'s module-path, the one the CA was made with, $ROLECALL_PKCS11_MODULE, else p11-kit\'s proxy).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer init" pin-command' -l 'pin-command' -d 'A command whose first line of output is the HSM\'s PIN (default: the file $ROLECALL_ISSUER_PKCS11_PIN_FILE names, mode 0600).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer init" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer init" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer serve" database' -l 'database' -d 'sqlite:PATH or postgres://USER@HOST:PORT/DB (default: $ROLECALL_ISSUER_DATABASE, else sqlite in $ROLECALL_HOME/issuer).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer serve" key-file' -l 'key-file' -d 'The file holding the issuer key (default: $ROLECALL_HOME/issuer/issuer.key; $ROLECALL_ISSUER_KEY wins).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer serve" pkcs11-module' -l 'pkcs11-module' -d 'The PKCS#11 module to load (default: the URI\'s module-path, the one the CA was made with, $ROLECALL_PKCS11_MODULE, else p11-kit\'s proxy).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer serve" pin-command' -l 'pin-command' -d 'A command whose first line of output is the HSM\'s PIN (default: the file $ROLECALL_ISSUER_PKCS11_PIN_FILE names, mode 0600).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer serve" listen' -l 'listen' -d 'HOST:PORT to listen on ([::1]:PORT for IPv6; port 0 picks one).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer serve" tls-cert' -l 'tls-cert' -d 'PEM certificate chain to present.' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer serve" tls-key' -l 'tls-key' -d 'PEM private key of --tls-cert.' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer serve"' -l 'tls-name' -d 'Another host name or IP address for the self-signed certificate (repeatable; used when it is first made, e.g. the replicas\' load balancer name).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer serve" login-attempts-per-minute' -l 'login-attempts-per-minute' -d 'Logins allowed per source address (an IPv6 /64; all of 127.0.0.0/8 is one) per minute, per replica.' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer serve" certificates-per-minute' -l 'certificates-per-minute' -d 'Certificates allowed per user per minute, per replica.' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer serve" connections-per-address' -l 'connections-per-address' -d 'Open connections allowed per source address; beyond it new ones are closed at once.' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer serve" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer serve" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer user" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer user" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_positional "rolecall-issuer user" -eq 1' -fa 'add' -d 'Add a user; prints their one-time password and TOTP enrollment URI once.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_positional "rolecall-issuer user" -eq 1' -fa 'list' -d 'List users (never their secrets).'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_positional "rolecall-issuer user" -eq 1' -fa 'reset' -d 'Give a user a new one-time password (printed once), end their login and console sessions and lift a lockout; their TOTP devices stay unless --new-device.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_positional "rolecall-issuer user" -eq 1' -fa 'disable' -d 'Refuse the user\'s logins and certificates from now on; enabling again does not revive their login sessions.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_positional "rolecall-issuer user" -eq 1' -fa 'enable' -d 'Allow a disabled user again.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_positional "rolecall-issuer user" -eq 1' -fa 'admin' -d 'Let a user use the web console\'s administrator pages, or no longer (audited).'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_positional "rolecall-issuer user" -eq 1' -fa 'remove' -d 'Remove a user and their role grants (audit rows stay).'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer user add" database' -l 'database' -d 'sqlite:PATH or postgres://USER@HOST:PORT/DB (default: $ROLECALL_ISSUER_DATABASE, else sqlite in $ROLECALL_HOME/issuer).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer user add" key-file' -l 'key-file' -d 'The file holding the issuer key (default: $ROLECALL_HOME/issuer/issuer.key; $ROLECALL_ISSUER_KEY wins).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer user add" login-session' -l 'login-session' -d 'How long a login session lasts, 15m to 168h.' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer user add" admin' -l 'admin' -d 'May use the web console\'s administrator pages (audit, users, roles, certificates).'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer user add" json' -l 'json' -d 'Print {user, password, otpauthURI} as JSON and nothing else.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer user add" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer user add" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer user list" database' -l 'database' -d 'sqlite:PATH or postgres://USER@HOST:PORT/DB (default: $ROLECALL_ISSUER_DATABASE, else sqlite in $ROLECALL_HOME/issuer).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer user list" key-file' -l 'key-file' -d 'The file holding the issuer key (default: $ROLECALL_HOME/issuer/issuer.key; $ROLECALL_ISSUER_KEY wins).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer user list" json' -l 'json' -d 'Print JSON.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer user list" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer user list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer user reset" database' -l 'database' -d 'sqlite:PATH or postgres://USER@HOST:PORT/DB (default: $ROLECALL_ISSUER_DATABASE, else sqlite in $ROLECALL_HOME/issuer).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer user reset" key-file' -l 'key-file' -d 'The file holding the issuer key (default: $ROLECALL_HOME/issuer/issuer.key; $ROLECALL_ISSUER_KEY wins).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer user reset" new-device' -l 'new-device' -d 'Also replace all the user\'s TOTP devices with one new seed (printed once), for a lost phone.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer user reset" json' -l 'json' -d 'Print {user, password} (and otpauthURI with --new-device) as JSON and nothing else.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer user reset" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer user reset" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer user disable" database' -l 'database' -d 'sqlite:PATH or postgres://USER@HOST:PORT/DB (default: $ROLECALL_ISSUER_DATABASE, else sqlite in $ROLECALL_HOME/issuer).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer user disable" key-file' -l 'key-file' -d 'The file holding the issuer key (default: $ROLECALL_HOME/issuer/issuer.key; $ROLECALL_ISSUER_KEY wins).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer user disable" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer user disable" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer user enable" database' -l 'database' -d 'sqlite:PATH or postgres://USER@HOST:PORT/DB (default: $ROLECALL_ISSUER_DATABASE, else sqlite in $ROLECALL_HOME/issuer).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer user enable" key-file' -l 'key-file' -d 'The file holding the issuer key (default: $ROLECALL_HOME/issuer/issuer.key; $ROLECALL_ISSUER_KEY wins).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer user enable" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer user enable" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer user admin" database' -l 'database' -d 'sqlite:PATH or postgres://USER@HOST:PORT/DB (default: $ROLECALL_ISSUER_DATABASE, else sqlite in $ROLECALL_HOME/issuer).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer user admin" key-file' -l 'key-file' -d 'The file holding the issuer key (default: $ROLECALL_HOME/issuer/issuer.key; $ROLECALL_ISSUER_KEY wins).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer user admin" on' -l 'on' -d 'Make the user an administrator of the console (its audit, users and roles pages).'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer user admin" off' -l 'off' -d 'Make the user an ordinary user again: their own page only.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer user admin" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer user admin" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer user remove" database' -l 'database' -d 'sqlite:PATH or postgres://USER@HOST:PORT/DB (default: $ROLECALL_ISSUER_DATABASE, else sqlite in $ROLECALL_HOME/issuer).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer user remove" key-file' -l 'key-file' -d 'The file holding the issuer key (default: $ROLECALL_HOME/issuer/issuer.key; $ROLECALL_ISSUER_KEY wins).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer user remove" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer user remove" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer role" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer role" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_positional "rolecall-issuer role" -eq 1' -fa 'allow' -d 'Allow a user a role (replaces an earlier grant of the same role).'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_positional "rolecall-issuer role" -eq 1' -fa 'list' -d 'List role grants.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_positional "rolecall-issuer role" -eq 1' -fa 'revoke' -d 'Take a role away from a user.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_positional "rolecall-issuer role" -eq 1' -fa 'set-trust-anchor' -d 'Move every grant on one trust anchor to another (after promoting a staged CA that has a trust anchor of its own).'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer role allow" database' -l 'database' -d 'sqlite:PATH or postgres://USER@HOST:PORT/DB (default: $ROLECALL_ISSUER_DATABASE, else sqlite in $ROLECALL_HOME/issuer).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer role allow" key-file' -l 'key-file' -d 'The file holding the issuer key (default: $ROLECALL_HOME/issuer/issuer.key; $ROLECALL_ISSUER_KEY wins).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer role allow" profile-arn' -l 'profile-arn' -d 'arn:aws:rolesanywhere:REGION:ACCOUNT:profile/ID' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer role allow" trust-anchor-arn' -l 'trust-anchor-arn' -d 'arn:aws:rolesanywhere:REGION:ACCOUNT:trust-anchor/ID' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer role allow" region' -l 'region' -d 'AWS region (default: the trust anchor\'s).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer role allow" max-duration' -l 'max-duration' -d 'Longest AWS session, 15m to 12h.' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer role allow" mfa' -l 'mfa' -d 'per-session: a TOTP code with every certificate; login: the login\'s TOTP check covers it; off: no MFA.' -rfka 'per-session login off'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer role allow" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer role allow" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer role list" database' -l 'database' -d 'sqlite:PATH or postgres://USER@HOST:PORT/DB (default: $ROLECALL_ISSUER_DATABASE, else sqlite in $ROLECALL_HOME/issuer).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer role list" key-file' -l 'key-file' -d 'The file holding the issuer key (default: $ROLECALL_HOME/issuer/issuer.key; $ROLECALL_ISSUER_KEY wins).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer role list" user' -l 'user' -d 'Only this user\'s grants.' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer role list" json' -l 'json' -d 'Print JSON.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer role list" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer role list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer role revoke" database' -l 'database' -d 'sqlite:PATH or postgres://USER@HOST:PORT/DB (default: $ROLECALL_ISSUER_DATABASE, else sqlite in $ROLECALL_HOME/issuer).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer role revoke" key-file' -l 'key-file' -d 'The file holding the issuer key (default: $ROLECALL_HOME/issuer/issuer.key; $ROLECALL_ISSUER_KEY wins).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer role revoke" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer role revoke" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer role set-trust-anchor" database' -l 'database' -d 'sqlite:PATH or postgres://USER@HOST:PORT/DB (default: $ROLECALL_ISSUER_DATABASE, else sqlite in $ROLECALL_HOME/issuer).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer role set-trust-anchor" key-file' -l 'key-file' -d 'The file holding the issuer key (default: $ROLECALL_HOME/issuer/issuer.key; $ROLECALL_ISSUER_KEY wins).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer role set-trust-anchor" from' -l 'from' -d 'The trust anchor the grants use now.' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer role set-trust-anchor" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer role set-trust-anchor" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer audit" database' -l 'database' -d 'sqlite:PATH or postgres://USER@HOST:PORT/DB (default: $ROLECALL_ISSUER_DATABASE, else sqlite in $ROLECALL_HOME/issuer).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer audit" key-file' -l 'key-file' -d 'The file holding the issuer key (default: $ROLECALL_HOME/issuer/issuer.key; $ROLECALL_ISSUER_KEY wins).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer audit" since' -l 'since' -d 'How far back, e.g. 15m, 1h, 24h, 7d.' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer audit" after-id' -l 'after-id' -d 'With --follow: start after this row id (the `id` of the last row seen).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer audit" json' -l 'json' -d 'Print a JSON array (with --follow, one JSON object per line).'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer audit" follow' -l 'follow' -d 'Keep printing new rows as they are written, as JSON lines (with --json), until interrupted; a row counted again is printed again with its new count (keep the last line of each id).'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer audit" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer audit" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_positional "rolecall-issuer audit" -eq 1' -fa 'prune' -d 'Delete audit rows older than a duration or a date, in batches, without stopping issuance (itself audited).'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer audit prune" database' -l 'database' -d 'sqlite:PATH or postgres://USER@HOST:PORT/DB (default: $ROLECALL_ISSUER_DATABASE, else sqlite in $ROLECALL_HOME/issuer).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer audit prune" key-file' -l 'key-file' -d 'The file holding the issuer key (default: $ROLECALL_HOME/issuer/issuer.key; $ROLECALL_ISSUER_KEY wins).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer audit prune" before' -l 'before' -d 'A duration back from now (30d, 90d, 12h; at least 12h) or an RFC 3339 time (2026-11-01T00:00:00Z).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer audit prune" dry-run' -l 'dry-run' -d 'Only count the rows that would go.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer audit prune" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer audit prune" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer ca" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer ca" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_positional "rolecall-issuer ca" -eq 1' -fa 'show' -d 'Print the current CA certificate (PEM), and the staged one after it while a rotation is staged.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_positional "rolecall-issuer ca" -eq 1' -fa 'rotate' -d 'Make a new CA sign: at once, or staged (--stage, then --promote) so the trust anchor can hold both first.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer ca show" database' -l 'database' -d 'sqlite:PATH or postgres://USER@HOST:PORT/DB (default: $ROLECALL_ISSUER_DATABASE, else sqlite in $ROLECALL_HOME/issuer).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer ca show" key-file' -l 'key-file' -d 'The file holding the issuer key (default: $ROLECALL_HOME/issuer/issuer.key; $ROLECALL_ISSUER_KEY wins).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer ca show" all' -l 'all' -d 'Every CA, retired ones too, oldest first.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer ca show" json' -l 'json' -d 'Print a JSON array: certificatePEM, fingerprintSHA256, notValidAfter, current, staged.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer ca show" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer ca show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer ca rotate" database' -l 'database' -d 'sqlite:PATH or postgres://USER@HOST:PORT/DB (default: $ROLECALL_ISSUER_DATABASE, else sqlite in $ROLECALL_HOME/issuer).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer ca rotate" key-file' -l 'key-file' -d 'The file holding the issuer key (default: $ROLECALL_HOME/issuer/issuer.key; $ROLECALL_ISSUER_KEY wins).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer ca rotate" ca-name' -l 'ca-name' -d 'The new CA\'s common name.' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer ca rotate" stage' -l 'stage' -d 'Create the next CA and keep signing with the current one; `ca show` prints both for the trust anchor.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer ca rotate" promote' -l 'promote' -d 'Switch signing to the staged CA, on every replica.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer ca rotate" ca-key' -l 'ca-key' -d 'Keep the CA\'s key on a PKCS#11 token (an HSM every replica reaches), e.g. \'pkcs11:token=NAME;object=rolecall-team-ca\' (made there when absent; the database then holds no CA key).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer ca rotate" pkcs11-module' -l 'pkcs11-module' -d 'The PKCS#11 module to load (default: the URI\'s module-path, the one the CA was made with, $ROLECALL_PKCS11_MODULE, else p11-kit\'s proxy).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer ca rotate" pin-command' -l 'pin-command' -d 'A command whose first line of output is the HSM\'s PIN (default: the file $ROLECALL_ISSUER_PKCS11_PIN_FILE names, mode 0600).' -rfka ''
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer ca rotate" version' -l 'version' -d 'Show the version.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer ca rotate" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rolecall-issuer' -n '__rolecall-issuer_should_offer_completions_for_flags_or_options "rolecall-issuer help" version' -l 'version' -d 'Show the version.'
