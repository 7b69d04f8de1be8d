# Sourced by setup.sh: `mc_clean_npm_env` removes what an outer `npm run` passes down to its scripts.
#
# `npm run demo` / `npm test` export npm's own resolved configuration to the script as npm_config_*
# (plus npm_package_*, npm_lifecycle_*, npm_execpath, npm_node_execpath), and an npm started from that
# script reads npm_config_* back as its own configuration, and passes it on to install scripts:
#   npm_config_user_agent "npm/… node/v20 …": code-server's postinstall reads the Node version from it
#                         and refused ("requires node v24 … detected node v20") although npm ran on
#                         Node 24; npm then rolled back the whole install, playwright-core included
#                         (hence "Cannot find module …/playwright-core" in the UI suite);
#   npm_config_nodedir / npm_config_node_gyp: headers and node-gyp of the outer Node, the wrong ABI
#                         for code-server's native modules.
# The inner npm re-reads the user's and the global npmrc itself, so nothing of the user's set-up is
# lost; only the settings that say how to reach the registry are kept, for users who set them in the
# environment rather than in an npmrc (a mirror, a proxy, a private CA).
mc_clean_npm_env() {
  local var
  while IFS= read -r var; do
    case "${var,,}" in
      npm_config_registry|npm_config_cafile|npm_config_ca|npm_config_strict_ssl|npm_config_proxy|\
npm_config_https_proxy|npm_config_noproxy|npm_config_cache|npm_config_userconfig|npm_config_globalconfig) ;;
      *) unset "$var" ;;
    esac
  done < <(compgen -e | grep -i '^npm_')
}
