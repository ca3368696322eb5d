<% const sh = (value) => `'${String(value).replaceAll("'", "'\\''")}'`; -%>
# Shared by scripts/deploy.sh and scripts/teardown.sh: the stacks of this service and small AWS CLI helpers.
# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables are read by the scripts that source this file

REGION=<%- sh(region) %>
PIPELINE_STACK=<%- sh(`${appName}-pipeline`) %>
# The pipeline stack's ServiceStackName default (infra/pipeline.yml): the stack its first run creates.
SERVICE_STACK=<%- sh(`${appName}-service`) %>
# The stack of infra/network.yml (setting network: new; the pipeline stack's NetworkStackName default), or empty.
NETWORK_STACK=<%- network === 'new' ? sh(`${appName}-network`) : "''" %>
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

# AWS CLI v2 and credentials for an account; prints the account id.
check_prerequisites() {
  command -v aws >/dev/null 2>&1 || fail "the AWS CLI v2 is not installed: https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html"
  local version
  version="$(aws --version 2>&1)"
  [[ "$version" == aws-cli/2.* ]] || fail "the AWS CLI v2 is required, found: $version"
  local account
  account="$(awsr sts get-caller-identity --query Account --output text 2>&1)" ||
    fail "no usable AWS credentials (aws sts get-caller-identity: $account); run aws configure or aws sso login, or set AWS_PROFILE"
  printf '%s\n' "$account"
}
