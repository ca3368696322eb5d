#!/usr/bin/env bash
# npm run teardown [-- --yes]
#
# Deletes everything npm run deploy created, in the order that works: the service stack first (CloudFormation deletes it
# with the pipeline stack's deployment role), then the artifact bucket's objects, then the pipeline stack (its ECR
# repository is emptied on delete). Log groups go with their stacks.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

[[ "${1:-}" == --yes ]] || {
  read -r -p "Delete $SERVICE_STACK, $PIPELINE_STACK${NETWORK_STACK:+ and $NETWORK_STACK} in $REGION, with their images and logs? [y/N] " answer
  [[ "$answer" == [yY]* ]] || fail "nothing deleted"
}
check_prerequisites >/dev/null

pipeline_status="$(stack_status "$PIPELINE_STACK")"
if [[ "$pipeline_status" != NONE ]]; then
  # A run in progress could create the service stack again behind us.
  pipeline="$(stack_output "$PIPELINE_STACK" PipelineName)"
  awsr codepipeline disable-stage-transition --pipeline-name "$pipeline" --stage-name Deploy --transition-type Inbound --reason teardown
fi
if [[ "$(stack_status "$SERVICE_STACK")" != NONE ]]; then
  say "Deleting $SERVICE_STACK..."
  awsr cloudformation delete-stack --stack-name "$SERVICE_STACK"
  awsr cloudformation wait stack-delete-complete --stack-name "$SERVICE_STACK"
fi
if [[ "$pipeline_status" != NONE ]]; then
  bucket="$(stack_output "$PIPELINE_STACK" ArtifactBucketName)"
  say "Emptying s3://$bucket..."
  awsr s3 rm "s3://$bucket" --recursive --only-show-errors
  say "Deleting $PIPELINE_STACK..."
  awsr cloudformation delete-stack --stack-name "$PIPELINE_STACK"
  awsr cloudformation wait stack-delete-complete --stack-name "$PIPELINE_STACK"
fi
# The network goes last: the service stack imported its VPC and subnets.
if [[ -n "$NETWORK_STACK" && "$(stack_status "$NETWORK_STACK")" != NONE ]]; then
  say "Deleting $NETWORK_STACK..."
  awsr cloudformation delete-stack --stack-name "$NETWORK_STACK"
  awsr cloudformation wait stack-delete-complete --stack-name "$NETWORK_STACK"
fi
say "Deleted."
