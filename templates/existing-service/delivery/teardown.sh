#!/usr/bin/env bash
<% const sh = (value) => `'${String(value).replaceAll("'", "'\\''")}'`; -%>
# Removes only what delivery/deploy.sh created: the pipeline stack, with its ECR repository (emptied by the stack) and
# its artifact bucket (emptied here first). Your cluster, service, task definitions, load balancer and target group are
# never touched; the settings deploy.sh changed stay changed (delivery/changes.log holds the commands that undo them).
set -euo pipefail

REGION=<%- sh(region) %>
PIPELINE_STACK=<%- sh(`${appName}-pipeline`) %>
awsr() { aws --region "$REGION" --no-cli-pager "$@"; }

if ! out="$(awsr cloudformation describe-stacks --stack-name "$PIPELINE_STACK" 2>&1)"; then
  [[ "$out" == *"does not exist"* ]] && { printf 'Nothing to remove: stack %s does not exist.\n' "$PIPELINE_STACK"; exit 0; }
  printf 'teardown: cannot read stack %s: %s\n' "$PIPELINE_STACK" "$out" >&2; exit 1
fi
BUCKET="$(awsr cloudformation describe-stack-resources --stack-name "$PIPELINE_STACK" --logical-resource-id ArtifactBucket --query 'StackResources[0].PhysicalResourceId' --output text)"
if [ -n "$BUCKET" ] && [ "$BUCKET" != None ]; then awsr s3 rm "s3://$BUCKET" --recursive >/dev/null; fi
awsr cloudformation delete-stack --stack-name "$PIPELINE_STACK"
awsr cloudformation wait stack-delete-complete --stack-name "$PIPELINE_STACK"
printf 'Removed the pipeline stack %s; the service was not touched.\n' "$PIPELINE_STACK"
