#!/usr/bin/env bash
# npm run teardown [-- --yes]: deletes everything npm run deploy created, in the order that works. npm run teardown --
# --help says what.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh
<% const named = true; -%>
<% if (named) { -%>
# The service stacks of every environment, or of the one --environment names; an environment removed from the settings
# keeps its stack until npm run teardown -- --environment NAME deletes it.
SERVICE_STACKS=("${ENVIRONMENT_STACKS[@]}")
<% } -%>

usage() {
  cat <<USAGE
Usage: npm run teardown [-- --yes]
<% if (named) { -%>
       npm run teardown -- --environment NAME [--yes]
<% } -%>

Deletes, in $REGION: the service stack $SERVICE_STACK first (CloudFormation deletes it with the pipeline stack's
deployment role), then the artifact bucket's objects, then the pipeline stack $PIPELINE_STACK (its ECR repository is
emptied on delete)${NETWORK_STACK:+, then the network stack $NETWORK_STACK}. The log groups go with their stacks.
Whatever is left of a stack whose creation failed is deleted too.

Options:
  --yes        delete without asking
<% if (named) { -%>
  --environment NAME
               delete only the service stack of environment NAME (<appName>-NAME, or <%- `${appName}-service` %> for production),
               also one no longer in the settings; the pipeline stack stays
<% } -%>
  -h, --help   this text (deletes nothing)
USAGE
}

yes=false
<% if (named) { -%>
environment=''
<% } -%>
while [[ $# -gt 0 ]]; do
  case "$1" in
    --yes) yes=true; shift ;;
<% if (named) { -%>
    --environment) environment="${2:-}"; shift 2 ;;
<% } -%>
    -h|--help) usage; exit 0 ;;
    *) fail "unknown option $1 (see --help); nothing deleted" ;;
  esac
done
<% if (named) { -%>
if [[ -n "$environment" ]]; then
  [[ "$environment" =~ ^[a-z][a-z0-9-]*$ ]] || fail "--environment $environment is not an environment name; nothing deleted"
  stack=<%- JSON.stringify(`${appName}-`) %>"$environment"
  [[ "$environment" != <%- JSON.stringify(defaultEnvironment.name) %> ]] || stack=<%- JSON.stringify(defaultEnvironment.stack) %>
  for i in "${!ENVIRONMENTS[@]}"; do [[ "${ENVIRONMENTS[$i]}" != "$environment" ]] || stack="${ENVIRONMENT_STACKS[$i]}"; done
  [[ "$yes" == true ]] || {
    read -r -p "Delete the service stack $stack of environment $environment in $REGION, with its logs? [y/N] " answer
    [[ "$answer" == [yY]* ]] || fail "nothing deleted"
  }
  check_prerequisites >/dev/null
  status="$(stack_status "$stack")"
  case "$status" in
    NONE) say "Stack $stack does not exist in $REGION; nothing to delete."; exit 0 ;;
    DELETE_IN_PROGRESS|REVIEW_IN_PROGRESS) ;;
    *_IN_PROGRESS) fail "stack $stack is $status; wait for it to finish and run again (nothing deleted)" ;;
  esac
  delete_stack "$stack"
  say "Deleted $stack."
  exit 0
fi
<% } -%>
[[ "$yes" == true ]] || {
  read -r -p "Delete <%- named ? '${SERVICE_STACKS[*]}' : '$SERVICE_STACK' %>, $PIPELINE_STACK${NETWORK_STACK:+ and $NETWORK_STACK} in $REGION, with their images and logs? [y/N] " answer
  [[ "$answer" == [yY]* ]] || fail "nothing deleted"
}
check_prerequisites >/dev/null

# Nothing is deleted while a stack is busy: CloudFormation refuses to delete it, and half a teardown helps no one.
for stack in <%- named ? '"${SERVICE_STACKS[@]}"' : '"$SERVICE_STACK"' %> "$PIPELINE_STACK" ${NETWORK_STACK:+"$NETWORK_STACK"}; do
  status="$(stack_status "$stack")"
  case "$status" in
    DELETE_IN_PROGRESS|REVIEW_IN_PROGRESS) ;;
    *_IN_PROGRESS) fail "stack $stack is $status; wait for it to finish and run again (nothing deleted)" ;;
  esac
done

# The pipeline's and the bucket's names from the stack's resources: a pipeline stack whose creation failed has no
# outputs, and may have neither.
pipeline_status="$(stack_status "$PIPELINE_STACK")"
pipeline='' bucket=''
if [[ "$pipeline_status" != NONE ]]; then
  pipeline="$(stack_resource "$PIPELINE_STACK" Pipeline)"
  bucket="$(stack_resource "$PIPELINE_STACK" ArtifactBucket)"
fi
if [[ -n "$pipeline" ]]; then
  # A run in progress could create the service stack again behind us; npm run deploy enables the transition again.
  awsr codepipeline disable-stage-transition --pipeline-name "$pipeline" --stage-name <%- environments[0].stage %> --transition-type Inbound --reason "$TEARDOWN_REASON"
fi
<% if (named) { -%>
for stack in "${SERVICE_STACKS[@]}"; do
  [[ "$(stack_status "$stack")" == NONE ]] || delete_stack "$stack"
done
<% } else { -%>
[[ "$(stack_status "$SERVICE_STACK")" == NONE ]] || delete_stack "$SERVICE_STACK"
<% } -%>
if [[ -n "$bucket" ]]; then
  say "Emptying s3://$bucket..."
  awsr s3 rm "s3://$bucket" --recursive --only-show-errors
fi
[[ "$pipeline_status" == NONE ]] || delete_stack "$PIPELINE_STACK"
# The network goes last: the service stack imported its VPC and subnets.
if [[ -n "$NETWORK_STACK" && "$(stack_status "$NETWORK_STACK")" != NONE ]]; then
  delete_stack "$NETWORK_STACK"
fi
say "Deleted."
