<% const sh = (value) => `'${String(value).replaceAll("'", "'\\''")}'`; -%>
# Shared by scripts/deploy.sh and scripts/teardown.sh: the stacks of this service and small AWS CLI helpers.
# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables are read by the scripts that source this file

REGION=<%- sh(region) %>
PIPELINE_STACK=<%- sh(`${appName}-pipeline`) %>
<% if (environments.length === 1 && environments[0].original) { -%>
# The pipeline stack's ServiceStackName default (infra/pipeline.yml): the stack its first run creates.
SERVICE_STACK=<%- sh(`${appName}-service`) %>
<% } else { -%>
# The last environment's service stack (production's).
SERVICE_STACK=<%- sh(environments[environments.length - 1].stack) %>
<% } -%>
# The environments the pipeline promotes each image through, in order (setting environments), their service stacks and
# their deploy stages in infra/pipeline.yml.
ENVIRONMENTS=(<%- environments.map((e) => sh(e.name)).join(' ') %>)
ENVIRONMENT_STACKS=(<%- environments.map((e) => sh(e.stack)).join(' ') %>)
ENVIRONMENT_STAGES=(<%- environments.map((e) => sh(e.stage)).join(' ') %>)
# The stack of infra/network.yml (setting network: new; the pipeline stack's NetworkStackName default), or empty.
NETWORK_STACK=<%- network === 'new' ? sh(`${appName}-network`) : "''" %>
# The lowest AWS CLI v2 with every command and option these scripts use (aws codeconnections came with 2.15.34:
# https://github.com/aws/aws-cli/blob/v2/CHANGELOG.rst).
AWS_CLI_MIN_VERSION=<%- sh(awsCliMinVersion) %>
# The reason npm run teardown gives the Deploy transition it disables; npm run deploy enables a transition disabled for it.
TEARDOWN_REASON='npm run teardown'
# The AWS console of the region's partition (the China regions are refused by the generator).
if [[ "$REGION" == us-gov-* ]]; then CONSOLE=https://console.amazonaws-us-gov.com; else CONSOLE=https://console.aws.amazon.com; fi
# Seconds between two status checks (tests set 0).
POLL_SECONDS="${DEPLOY_POLL_SECONDS:-15}"

say() { printf '%s\n' "$*"; }
fail() { printf '%s: %s\n' "$(basename "$0" .sh)" "$*" >&2; exit 1; }

# aws with this service's region; never a pager, never a prompt.
awsr() { aws --region "$REGION" --no-cli-pager "$@"; }

# Status of a stack, or NONE when it does not exist.
stack_status() {
  local out
  if out="$(awsr cloudformation describe-stacks --stack-name "$1" --query 'Stacks[0].StackStatus' --output text 2>&1)"; then
    printf '%s\n' "$out"
  elif [[ "$out" == *"does not exist"* ]]; then
    printf 'NONE\n'
  else
    fail "cannot read stack $1: $out"
  fi
}

# One output of a stack.
stack_output() {
  awsr cloudformation describe-stacks --stack-name "$1" --query "Stacks[0].Outputs[?OutputKey=='$2'].OutputValue | [0]" --output text
}

# The physical id of one resource of a stack, or nothing when it does not exist: a stack whose creation failed has no
# outputs, and its rollback leaves the resources it deleted as DELETE_COMPLETE.
stack_resource() {
  local out
  if out="$(awsr cloudformation describe-stack-resources --stack-name "$1" --logical-resource-id "$2" \
    --query "StackResources[?ResourceStatus!='DELETE_COMPLETE'].PhysicalResourceId | [0]" --output text 2>&1)"; then
    [[ "$out" == None ]] || printf '%s\n' "$out"
  elif [[ "$out" != *"does not exist"* ]]; then
    fail "cannot read resource $2 of stack $1: $out"
  fi
}

# The first resource that failed in the stack's latest operation and CloudFormation's reason. Events come newest first;
# the ones before the stack's own CREATE_IN_PROGRESS or UPDATE_IN_PROGRESS belong to earlier operations.
stack_failure() {
  awsr cloudformation describe-stack-events --stack-name "$1" --max-items 500 \
    --query 'StackEvents[].[ResourceType,ResourceStatus,LogicalResourceId,ResourceStatusReason]' --output text |
    awk -F '\t' '
      !older && $2 ~ /_FAILED$/ && $1 != "AWS::CloudFormation::Stack" { found = $3 ": " $4 }
      $1 == "AWS::CloudFormation::Stack" && ($2 == "CREATE_IN_PROGRESS" || $2 == "UPDATE_IN_PROGRESS") { older = 1 }
      END { print (found == "" ? "no failed resource in its events" : found) }'
}

# Deletes a stack and waits until it is gone; a failed deletion names its first failed resource.
delete_stack() {
  say "Deleting $1..."
  awsr cloudformation delete-stack --stack-name "$1"
  awsr cloudformation wait stack-delete-complete --stack-name "$1" ||
    fail "stack $1 could not be deleted ($(stack_failure "$1")); see $CONSOLE/cloudformation/home?region=$REGION"
}

# Whether version $1 (major.minor.patch) is at least $2, compared as numbers (2.100.0 is after 2.15.34).
version_at_least() {
  local -a have need
  local i
  IFS=. read -ra have <<<"$1"
  IFS=. read -ra need <<<"$2"
  for i in 0 1 2; do
    if ((10#${have[i]:-0} != 10#${need[i]:-0})); then
      ((10#${have[i]:-0} > 10#${need[i]:-0}))
      return
    fi
  done
  return 0
}

<% if (source === 'connection') { -%>
# The repository of a GitHub, Bitbucket or GitLab remote URL, HTTPS or SSH (https://github.com/owner/name.git,
# git@github.com:owner/name.git, ssh://git@host:port/group/sub/name.git), into REMOTE_REPOSITORY (owner/name, or a GitLab
# group path) and REMOTE_PROVIDER (the pipeline stack's ConnectionProviderType, empty for another host); fails otherwise.
repository_from_remote() {
  local url="$1" host path
  local with_scheme='^[a-z][a-z0-9+.-]*://([^@/]+@)?([^/:]+)(:[0-9]*)?/(.+)$' scp_like='^([^@/]+@)?([^:/]+):(.+)$'
  if [[ "$url" =~ $with_scheme ]]; then
    host="${BASH_REMATCH[2]}" path="${BASH_REMATCH[4]}"
  elif [[ "$url" =~ $scp_like ]]; then
    host="${BASH_REMATCH[2]}" path="${BASH_REMATCH[3]}"
  else
    return 1
  fi
  [[ "$host" != *codecommit* ]] || return 1
  path="${path%/}" && path="${path%.git}"
  local owner_name='^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+$'
  [[ "$path" =~ $owner_name ]] || return 1
  REMOTE_REPOSITORY="$path"
  case "$host" in
    github.com) REMOTE_PROVIDER=GitHub ;;
    bitbucket.org) REMOTE_PROVIDER=Bitbucket ;;
    gitlab.com) REMOTE_PROVIDER=GitLab ;;
    *) REMOTE_PROVIDER='' ;;
  esac
}
<% } else { -%>
# The name of the CodeCommit repository of a remote URL into REMOTE_REPOSITORY, and its region (empty when the URL does
# not name one) into REMOTE_REGION: HTTPS or SSH (https://git-codecommit.<region>.amazonaws.com/v1/repos/<name>, also
# ssh://<key id>@... and the -fips endpoints) or git-remote-codecommit (codecommit::<region>://<profile>@<name>,
# codecommit://<name>): https://docs.aws.amazon.com/codecommit/latest/userguide/regions.html,
# https://pypi.org/project/git-remote-codecommit/. Fails for anything else.
repository_from_remote() {
  local url="$1"
  local endpoint='^(https|ssh)://([^@/]+@)?git-codecommit(-fips)?\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?/v1/repos/([A-Za-z0-9_.-]+)/?$'
  local helper='^codecommit(::([a-z0-9-]+))?://([^@/]+@)?([A-Za-z0-9_.-]+)$'
  if [[ "$url" =~ $endpoint ]]; then
    REMOTE_REGION="${BASH_REMATCH[4]}" REMOTE_REPOSITORY="${BASH_REMATCH[6]}"
  elif [[ "$url" =~ $helper ]]; then
    REMOTE_REGION="${BASH_REMATCH[2]}" REMOTE_REPOSITORY="${BASH_REMATCH[4]}"
  else
    return 1
  fi
}
<% } -%>

# AWS CLI v2 at AWS_CLI_MIN_VERSION or later, and credentials for an account; prints the account id.
check_prerequisites() {
  local install=https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html
  command -v aws >/dev/null 2>&1 || fail "the AWS CLI v2 is not installed: $install"
  local version
  version="$(aws --version 2>&1)"
  if ! [[ "$version" =~ ^aws-cli/(2\.[0-9]+\.[0-9]+) ]] || ! version_at_least "${BASH_REMATCH[1]}" "$AWS_CLI_MIN_VERSION"; then
    fail "the AWS CLI v2 $AWS_CLI_MIN_VERSION or later is required (older ones have no aws codeconnections), found: $version; update it: $install"
  fi
  local account
  account="$(awsr sts get-caller-identity --query Account --output text 2>&1)" ||
    fail "no usable AWS credentials (aws sts get-caller-identity: $account); run aws configure or aws sso login, or set AWS_PROFILE"
  printf '%s\n' "$account"
}
