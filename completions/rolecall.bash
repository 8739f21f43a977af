#!/bin/bash

__rolecall_cursor_index_in_current_word() {
    local remaining="${COMP_LINE}"

    local word
    for word in "${COMP_WORDS[@]::COMP_CWORD}"; do
        remaining="${remaining##*([[:space:]])"${word}"*([[:space:]])}"
    done

    local -ir index="$((COMP_POINT - ${#COMP_LINE} + ${#remaining}))"
    if [[ "${index}" -le 0 ]]; then
        printf 0
    else
        printf %s "${index}"
    fi
}

# positional arguments:
#
# - 1: the current (sub)command's count of positional arguments
#
# required variables:
#
# - repeating_flags: the repeating flags that the current (sub)command can accept
# - non_repeating_flags: the non-repeating flags that the current (sub)command can accept
# - repeating_options: the repeating options that the current (sub)command can accept
# - non_repeating_options: the non-repeating options that the current (sub)command can accept
# - positional_number: value ignored
# - unparsed_words: unparsed words from the current command line
#
# modified variables:
#
# - non_repeating_flags: remove flags for this (sub)command that are already on the command line
# - non_repeating_options: remove options for this (sub)command that are already on the command line
# - positional_number: set to the current positional number
# - unparsed_words: remove all flags, options, and option values for this (sub)command
__rolecall_offer_flags_options() {
    local -ir positional_count="${1}"
    positional_number=0

    local was_flag_option_terminator_seen=false
    local is_parsing_option_value=false

    local -ar unparsed_word_indices=("${!unparsed_words[@]}")
    local -i word_index
    for word_index in "${unparsed_word_indices[@]}"; do
        if "${is_parsing_option_value}"; then
            # This word is an option value:
            # Reset marker for next word iff not currently the last word
            [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]] && is_parsing_option_value=false
            unset "unparsed_words[${word_index}]"
            # Do not process this word as a flag or an option
            continue
        fi

        local word="${unparsed_words["${word_index}"]}"
        if ! "${was_flag_option_terminator_seen}"; then
            case "${word}" in
            --)
                unset "unparsed_words[${word_index}]"
                # by itself -- is a flag/option terminator, but if it is the last word, it is the start of a completion
                if [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]]; then
                    was_flag_option_terminator_seen=true
                fi
                continue
                ;;
            -*)
                # ${word} is a flag or an option
                # If ${word} is an option, mark that the next word to be parsed is an option value
                local option
                for option in "${repeating_options[@]}" "${non_repeating_options[@]}"; do
                    [[ "${word}" = "${option}" ]] && is_parsing_option_value=true && break
                done

                # Remove ${word} from ${non_repeating_flags} or ${non_repeating_options} so it isn't offered again
                local not_found=true
                local -i index
                for index in "${!non_repeating_flags[@]}"; do
                    if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                        unset "non_repeating_flags[${index}]"
                        non_repeating_flags=("${non_repeating_flags[@]}")
                        not_found=false
                        break
                    fi
                done
                if "${not_found}"; then
                    for index in "${!non_repeating_flags[@]}"; do
                        if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                            unset "non_repeating_flags[${index}]"
                            non_repeating_flags=("${non_repeating_flags[@]}")
                            break
                        fi
                    done
                fi
                unset "unparsed_words[${word_index}]"
                continue
                ;;
            esac
        fi

        # ${word} is neither a flag, nor an option, nor an option value
        if [[ "${positional_number}" -lt "${positional_count}" || "${positional_count}" -lt 0 ]]; then
            # ${word} is a positional
            ((positional_number++))
            unset "unparsed_words[${word_index}]"
        else
            if [[ -z "${word}" ]]; then
                # Could be completing a flag, option, or subcommand
                positional_number=-1
            else
                # ${word} is a subcommand or invalid, so stop processing this (sub)command
                positional_number=-2
            fi
            break
        fi
    done

    unparsed_words=("${unparsed_words[@]}")

    if\
        ! "${was_flag_option_terminator_seen}"\
        && ! "${is_parsing_option_value}"\
        && [[ ("${cur}" = -* && "${positional_number}" -ge 0) || "${positional_number}" -eq -1 ]]
    then
        COMPREPLY+=($(compgen -W "${repeating_flags[*]} ${non_repeating_flags[*]} ${repeating_options[*]} ${non_repeating_options[*]}" -- "${cur}"))
    fi
}

__rolecall_add_completions() {
    local completion
    while IFS='' read -r completion; do
        COMPREPLY+=("${completion}")
    done < <(IFS=$'\n' compgen "${@}" -- "${cur}")
}

__rolecall_custom_complete() {
    if [[ -n "${cur}" || -z ${COMP_WORDS[${COMP_CWORD}]} || "${COMP_LINE:${COMP_POINT}:1}" != ' ' ]]; then
        local -ar words=("${COMP_WORDS[@]}")
    else
        local -ar words=("${COMP_WORDS[@]::${COMP_CWORD}}" '' "${COMP_WORDS[@]:${COMP_CWORD}}")
    fi

    "${COMP_WORDS[0]}" "${@}" "${words[@]}"
}

_rolecall() {
    local state
    state="$(shopt -p;shopt -po)"
    trap "${state//$'\n'/;}" RETURN
    shopt -s extglob
    set +o history +o posix

    local -xr SAP_SHELL=bash
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(IFS='.';printf %s "${BASH_VERSINFO[*]}")"
    local -r SAP_SHELL_VERSION

    local -r cur="${2}"
    local -r prev="${3}"

    local -i positional_number
    local -a unparsed_words=("${COMP_WORDS[@]:1:${COMP_CWORD}}")

    local -a repeating_flags=()
    local -a non_repeating_flags=(--version -h --help)
    local -a repeating_options=()
    local -a non_repeating_options=()
    __rolecall_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    init|ca|mfa|profile|exec|env|agent|credential-process|aws-config|console|status|prompt|demo|issuer|login|logout|help)
        # Offer subcommand argument completions
        "_rolecall_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'init ca mfa profile exec env agent credential-process aws-config console status prompt demo issuer login logout help' -- "${cur}"))
        ;;
    esac
}

_rolecall_init() {
    repeating_flags=()
    non_repeating_flags=(--json --no-verify --version -h --help)
    repeating_options=()
    non_repeating_options=(--user --ca-key --pin-command --pkcs11-module --mfa-code --mfa-command)
    __rolecall_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--user')
        return
        ;;
    '--ca-key')
        return
        ;;
    '--pin-command')
        return
        ;;
    '--pkcs11-module')
        return
        ;;
    '--mfa-code')
        return
        ;;
    '--mfa-command')
        return
        ;;
    esac
}

_rolecall_ca() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __rolecall_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    show|rotate|remove-old)
        # Offer subcommand argument completions
        "_rolecall_ca_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'show rotate remove-old' -- "${cur}"))
        ;;
    esac
}

_rolecall_ca_show() {
    repeating_flags=()
    non_repeating_flags=(--json --all --version -h --help)
    repeating_options=()
    non_repeating_options=()
    __rolecall_offer_flags_options 0
}

_rolecall_ca_rotate() {
    repeating_flags=()
    non_repeating_flags=(--stage --promote --version -h --help)
    repeating_options=()
    non_repeating_options=(--mfa-code --mfa-command --ca-key --pin-command --pkcs11-module)
    __rolecall_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--mfa-code')
        return
        ;;
    '--mfa-command')
        return
        ;;
    '--ca-key')
        return
        ;;
    '--pin-command')
        return
        ;;
    '--pkcs11-module')
        return
        ;;
    esac
}

_rolecall_ca_remove-old() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __rolecall_offer_flags_options 0
}

_rolecall_mfa() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __rolecall_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    add|verify|list|remove)
        # Offer subcommand argument completions
        "_rolecall_mfa_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'add verify list remove' -- "${cur}"))
        ;;
    esac
}

_rolecall_mfa_add() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--mfa-code --mfa-command)
    __rolecall_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--mfa-code')
        return
        ;;
    '--mfa-command')
        return
        ;;
    esac
}

_rolecall_mfa_verify() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--mfa-code --mfa-command)
    __rolecall_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--mfa-code')
        return
        ;;
    '--mfa-command')
        return
        ;;
    esac
}

_rolecall_mfa_list() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=()
    __rolecall_offer_flags_options 0
}

_rolecall_mfa_remove() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--mfa-code --mfa-command)
    __rolecall_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--mfa-code')
        return
        ;;
    '--mfa-command')
        return
        ;;
    esac
}

_rolecall_profile() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __rolecall_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    add|set|list|show|remove|set-trust-anchor)
        # Offer subcommand argument completions
        "_rolecall_profile_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'add set list show remove set-trust-anchor' -- "${cur}"))
        ;;
    esac
}

_rolecall_profile_add() {
    repeating_flags=()
    non_repeating_flags=(--force --version -h --help)
    repeating_options=()
    non_repeating_options=(--role-arn --profile-arn --trust-anchor-arn --source-profile --external-id --region --duration --mfa --pin-command --certificate --private-key --intermediates --pkcs11-module --mfa-interval --endpoint --sts-endpoint --signin-endpoint --emulator --role-session-name)
    __rolecall_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--role-arn')
        return
        ;;
    '--profile-arn')
        return
        ;;
    '--trust-anchor-arn')
        return
        ;;
    '--source-profile')
        __rolecall_add_completions -W "$(__rolecall_custom_complete ---completion profile add -- --source-profile "${COMP_CWORD}" "$(__rolecall_cursor_index_in_current_word)")"
        return
        ;;
    '--external-id')
        return
        ;;
    '--region')
        return
        ;;
    '--duration')
        return
        ;;
    '--mfa')
        __rolecall_add_completions -W 'required'$'\n''token'$'\n''off'
        return
        ;;
    '--pin-command')
        return
        ;;
    '--certificate')
        return
        ;;
    '--private-key')
        return
        ;;
    '--intermediates')
        return
        ;;
    '--pkcs11-module')
        return
        ;;
    '--mfa-interval')
        return
        ;;
    '--endpoint')
        return
        ;;
    '--sts-endpoint')
        return
        ;;
    '--signin-endpoint')
        return
        ;;
    '--emulator')
        return
        ;;
    '--role-session-name')
        return
        ;;
    esac
}

_rolecall_profile_set() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--endpoint --sts-endpoint --signin-endpoint --emulator)
    __rolecall_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--endpoint')
        return
        ;;
    '--sts-endpoint')
        return
        ;;
    '--signin-endpoint')
        return
        ;;
    '--emulator')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __rolecall_add_completions -W "$(__rolecall_custom_complete ---completion profile set -- positional@0 "${COMP_CWORD}" "$(__rolecall_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_rolecall_profile_list() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=()
    __rolecall_offer_flags_options 0
}

_rolecall_profile_show() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=()
    __rolecall_offer_flags_options 1

    # Offer positional completions
    case "${positional_number}" in
    1)
        __rolecall_add_completions -W "$(__rolecall_custom_complete ---completion profile show -- positional@0 "${COMP_CWORD}" "$(__rolecall_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_rolecall_profile_remove() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __rolecall_offer_flags_options 1

    # Offer positional completions
    case "${positional_number}" in
    1)
        __rolecall_add_completions -W "$(__rolecall_custom_complete ---completion profile remove -- positional@0 "${COMP_CWORD}" "$(__rolecall_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_rolecall_profile_set-trust-anchor() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--from)
    __rolecall_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--from')
        return
        ;;
    esac
}

_rolecall_exec() {
    repeating_flags=()
    non_repeating_flags=(--quiet --server --imds --version -h --help)
    repeating_options=(--profile)
    non_repeating_options=(--aws-role --duration --region --mfa-code --mfa-command --pin-command --pkcs11-module)
    __rolecall_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--profile')
        __rolecall_add_completions -W "$(__rolecall_custom_complete ---completion exec -- --profile "${COMP_CWORD}" "$(__rolecall_cursor_index_in_current_word)")"
        return
        ;;
    '--aws-role')
        return
        ;;
    '--duration')
        return
        ;;
    '--region')
        return
        ;;
    '--mfa-code')
        return
        ;;
    '--mfa-command')
        return
        ;;
    '--pin-command')
        return
        ;;
    '--pkcs11-module')
        return
        ;;
    esac
}

_rolecall_env() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=(--profile)
    non_repeating_options=(--aws-role --duration --region --mfa-code --mfa-command --pin-command --pkcs11-module --format)
    __rolecall_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--profile')
        __rolecall_add_completions -W "$(__rolecall_custom_complete ---completion env -- --profile "${COMP_CWORD}" "$(__rolecall_cursor_index_in_current_word)")"
        return
        ;;
    '--aws-role')
        return
        ;;
    '--duration')
        return
        ;;
    '--region')
        return
        ;;
    '--mfa-code')
        return
        ;;
    '--mfa-command')
        return
        ;;
    '--pin-command')
        return
        ;;
    '--pkcs11-module')
        return
        ;;
    '--format')
        __rolecall_add_completions -W 'sh'$'\n''fish'$'\n''powershell'$'\n''json'
        return
        ;;
    esac
}

_rolecall_agent() {
    repeating_flags=()
    non_repeating_flags=(--stop --list --version -h --help)
    repeating_options=(--profile)
    non_repeating_options=(--aws-role --duration --region --mfa-code --mfa-command --pin-command --pkcs11-module --format --shell-pid)
    __rolecall_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--profile')
        __rolecall_add_completions -W "$(__rolecall_custom_complete ---completion agent -- --profile "${COMP_CWORD}" "$(__rolecall_cursor_index_in_current_word)")"
        return
        ;;
    '--aws-role')
        return
        ;;
    '--duration')
        return
        ;;
    '--region')
        return
        ;;
    '--mfa-code')
        return
        ;;
    '--mfa-command')
        return
        ;;
    '--pin-command')
        return
        ;;
    '--pkcs11-module')
        return
        ;;
    '--format')
        __rolecall_add_completions -W 'sh'$'\n''fish'$'\n''powershell'$'\n''json'
        return
        ;;
    '--shell-pid')
        return
        ;;
    esac
}

_rolecall_credential-process() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--profile)
    __rolecall_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--profile')
        __rolecall_add_completions -W "$(__rolecall_custom_complete ---completion credential-process -- --profile "${COMP_CWORD}" "$(__rolecall_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_rolecall_aws-config() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--profile)
    __rolecall_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--profile')
        __rolecall_add_completions -W "$(__rolecall_custom_complete ---completion aws-config -- --profile "${COMP_CWORD}" "$(__rolecall_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_rolecall_console() {
    repeating_flags=()
    non_repeating_flags=(--print --version -h --help)
    repeating_options=(--profile)
    non_repeating_options=(--aws-role --duration --region --mfa-code --mfa-command --pin-command --pkcs11-module --destination)
    __rolecall_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--profile')
        __rolecall_add_completions -W "$(__rolecall_custom_complete ---completion console -- --profile "${COMP_CWORD}" "$(__rolecall_cursor_index_in_current_word)")"
        return
        ;;
    '--aws-role')
        return
        ;;
    '--duration')
        return
        ;;
    '--region')
        return
        ;;
    '--mfa-code')
        return
        ;;
    '--mfa-command')
        return
        ;;
    '--pin-command')
        return
        ;;
    '--pkcs11-module')
        return
        ;;
    '--destination')
        return
        ;;
    esac
}

_rolecall_status() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=()
    __rolecall_offer_flags_options 0
}

_rolecall_prompt() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __rolecall_offer_flags_options 0
}

_rolecall_demo() {
    repeating_flags=()
    non_repeating_flags=(--keep --version -h --help)
    repeating_options=()
    non_repeating_options=()
    __rolecall_offer_flags_options -1
}

_rolecall_issuer() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __rolecall_offer_flags_options -1

    # Offer positional completions
    case "${positional_number}" in
    *)
        __rolecall_add_completions -W "$(__rolecall_custom_complete ---completion issuer -- positional@0 "${COMP_CWORD}" "$(__rolecall_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_rolecall_login() {
    repeating_flags=()
    non_repeating_flags=(--password-stdin --no-mfa --version -h --help)
    repeating_options=(--issuer)
    non_repeating_options=(--user --pin-sha256 --prefix --endpoint --sts-endpoint --signin-endpoint --emulator --mfa-code --mfa-command)
    __rolecall_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--issuer')
        return
        ;;
    '--user')
        return
        ;;
    '--pin-sha256')
        return
        ;;
    '--prefix')
        return
        ;;
    '--endpoint')
        return
        ;;
    '--sts-endpoint')
        return
        ;;
    '--signin-endpoint')
        return
        ;;
    '--emulator')
        return
        ;;
    '--mfa-code')
        return
        ;;
    '--mfa-command')
        return
        ;;
    esac
}

_rolecall_logout() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __rolecall_offer_flags_options 0
}

_rolecall_help() {
    repeating_flags=()
    non_repeating_flags=(--version)
    repeating_options=()
    non_repeating_options=()
    __rolecall_offer_flags_options -1
}

complete -o filenames -F _rolecall rolecall
