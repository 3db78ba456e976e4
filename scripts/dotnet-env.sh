# Sourced by the scripts that build, test or run the solution: no telemetry, banners or notices in their output,
# and no MSBuild node or build server outliving the script (they would keep its output pipe open).
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DOTNET_CLI_WORKLOAD_UPDATE_NOTIFY_DISABLE=1
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0

# Prints the calling script's header comment, from its second line to `set -euo pipefail`, as its usage.
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[1]}" | sed -e '$d' -e 's/^# \{0,1\}//'; }
