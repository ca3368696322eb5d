#!/usr/bin/env bash
<% const sh = (value) => `'${String(value).replaceAll("'", "'\\''")}'`; -%>
# npm run deploy [-- --vpc vpc-... --subnets subnet-a,subnet-b[,...] [--task-subnets ...] [--repository <%= source === 'connection' ? 'owner/name' : 'name' %>]]
#
# Deploys the pipeline stack (infra/pipeline.yml) and follows its run, which builds the image and creates or updates
# the service stack (infra/service.yml) with it; prints the service's URL. Safe to run again: it updates, never duplicates.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

<% if (source === 'connection') { -%>
REPOSITORY_PARAMETER=FullRepositoryId
<% } else { -%>
REPOSITORY_PARAMETER=CodeCommitRepositoryName
<% } -%>
REPOSITORY_REQUIRED=<%- repository ? 'false' : 'true' %>
EXISTING_CLUSTER=<%- existingCluster ? sh(cluster) : "''" %>

vpc='' subnets='' task_subnets='' repository=''
while [[ $# -gt 0 ]]; do
  case "$1" in
    --vpc) vpc="${2:-}"; shift 2 ;;
    --subnets) subnets="${2:-}"; shift 2 ;;
    --task-subnets) task_subnets="${2:-}"; shift 2 ;;
    --repository) repository="${2:-}"; shift 2 ;;
    -h|--help) sed -n '3,6p' "$0"; exit 0 ;;
    *) fail "unknown option $1 (see --help)" ;;
  esac
done
[[ -z "$subnets$task_subnets" || -n "$vpc" ]] || fail "--subnets and --task-subnets need --vpc"

# 1. Prerequisites: nothing is created before they all hold.
account="$(check_prerequisites)"
awsr ec2 describe-availability-zones --query 'AvailabilityZones[0].ZoneName' --output text >/dev/null 2>&1 ||
  fail "region $REGION is not enabled for account $account (or the credentials may not describe it); enable it or generate for another --region"
pipeline_status="$(stack_status "$PIPELINE_STACK")"
case "$pipeline_status" in
  NONE|*_COMPLETE) ;;
  *) fail "stack $PIPELINE_STACK is $pipeline_status; wait for it to finish (or delete it if it is ROLLBACK_COMPLETE) and run again" ;;
esac
[[ "$pipeline_status" != ROLLBACK_COMPLETE ]] ||
  fail "stack $PIPELINE_STACK failed to create (ROLLBACK_COMPLETE); see its events, delete it (aws cloudformation delete-stack --region $REGION --stack-name $PIPELINE_STACK) and run again"
if [[ "$REPOSITORY_REQUIRED" == true && -z "$repository" && "$pipeline_status" == NONE ]]; then
  fail "no source repository was set when this project was generated: pass --repository"
fi
if [[ -n "$EXISTING_CLUSTER" ]]; then
  [[ "$(awsr ecs describe-clusters --clusters "$EXISTING_CLUSTER" --query "clusters[?status=='ACTIVE'].clusterName | [0]" --output text)" == "$EXISTING_CLUSTER" ]] ||
    fail "the existing cluster $EXISTING_CLUSTER (setting existingCluster) is not an active cluster in $REGION"
fi

# 2. The network: a stack of its own (setting network: new), or the default VPC and its public subnets, or the ones
# given; at least two Availability Zones.
network=()
if [[ -n "$NETWORK_STACK" ]]; then
  [[ -z "$vpc$subnets$task_subnets" ]] || fail "this service has a network of its own ($NETWORK_STACK, infra/network.yml): --vpc, --subnets and --task-subnets do not apply"
  say "Deploying stack $NETWORK_STACK (infra/network.yml) in $REGION..."
  awsr cloudformation deploy --stack-name "$NETWORK_STACK" --template-file infra/network.yml --no-fail-on-empty-changeset
elif [[ -n "$vpc" || "$pipeline_status" == NONE ]]; then
<% if (network === 'existing') { -%>
  [[ -n "$vpc" && -n "$subnets" ]] || fail "this service runs in a VPC you name (setting network: existing): pass --vpc and --subnets"
<% } -%>
  if [[ -z "$vpc" ]]; then
    vpc="$(awsr ec2 describe-vpcs --filters Name=is-default,Values=true --query 'Vpcs[0].VpcId' --output text)"
    [[ -n "$vpc" && "$vpc" != None ]] || fail "no default VPC in $REGION: pass --vpc and --subnets (public subnets in two Availability Zones)"
  fi
  if [[ -z "$subnets" ]]; then
    rows="$(awsr ec2 describe-subnets --filters "Name=vpc-id,Values=$vpc" --query 'Subnets[?MapPublicIpOnLaunch].[SubnetId,AvailabilityZone]' --output text)"
  else
    IFS=, read -ra subnet_list <<<"$subnets"
    rows="$(awsr ec2 describe-subnets --subnet-ids "${subnet_list[@]}" --filters "Name=vpc-id,Values=$vpc" --query 'Subnets[].[SubnetId,AvailabilityZone]' --output text 2>&1)" ||
      fail "subnets $subnets: $rows"
  fi
  found="$(awk 'NF == 2 { print $1 }' <<<"$rows" | sort | paste -sd, -)"
  zones="$(awk 'NF == 2 { print $2 }' <<<"$rows" | sort -u | wc -l | tr -d ' ')"
  if [[ -n "$subnets" && "$found" != "$(tr ',' '\n' <<<"$subnets" | sort | paste -sd, -)" ]]; then
    fail "not all of $subnets are subnets of $vpc (found: ${found:-none})"
  fi
  [[ "$zones" -ge 2 ]] ||
    fail "VPC $vpc has public subnets in $zones Availability Zone(s); the load balancer needs two: pass --vpc and --subnets"
  network=(VpcId="$vpc" LoadBalancerSubnetIds="$found" TaskSubnetIds="${task_subnets:-$found}")
  [[ -z "$task_subnets" ]] || network+=(AssignPublicIp=DISABLED)
  say "Network: $vpc, subnets $found in $zones Availability Zones"
fi

# 3. The pipeline stack: created, updated, or left as it is (parameters not passed keep their values).
overrides=("${network[@]}")
[[ -z "$repository" ]] || overrides+=("$REPOSITORY_PARAMETER=$repository")
say "Deploying stack $PIPELINE_STACK in $REGION (account $account)..."
deploy_args=(--stack-name "$PIPELINE_STACK" --template-file infra/pipeline.yml --capabilities CAPABILITY_IAM --no-fail-on-empty-changeset)
[[ ${#overrides[@]} -eq 0 ]] || deploy_args+=(--parameter-overrides "${overrides[@]}")
awsr cloudformation deploy "${deploy_args[@]}"

# 4. The connection: PENDING until someone authorises it in the console, once.
connection_was_pending=false
<% if (source === 'connection') { -%>
connection="$(stack_output "$PIPELINE_STACK" ConnectionArn)"
connections_cli=codeconnections
[[ "$connection" != *:codestar-connections:* ]] || connections_cli=codestar-connections
while :; do
  status="$(awsr "$connections_cli" get-connection --connection-arn "$connection" --query Connection.ConnectionStatus --output text)"
  case "$status" in
    AVAILABLE) break ;;
    PENDING)
      if [[ "$connection_was_pending" == false ]]; then
        say ""
        say "ACTION REQUIRED: authorise the connection to your repository, once:"
        say "  $CONSOLE/codesuite/settings/connections?region=$REGION"
        say "  choose the connection ${connection##*/}, then \"Update pending connection\" and authorise AWS."
        say "Waiting for it to become AVAILABLE (Ctrl-C stops waiting; run npm run deploy again later)..."
      fi
      connection_was_pending=true
      sleep "$POLL_SECONDS" ;;
    *) fail "connection $connection is $status; create a new one (delete ConnectionArn's connection, run again) or pass an AVAILABLE one" ;;
  esac
done
<% } -%>

# 5. The pipeline run: follow the one in progress, or start one when none has deployed yet (or the source was not authorised).
pipeline="$(stack_output "$PIPELINE_STACK" PipelineName)"
read -r execution execution_status < <(awsr codepipeline list-pipeline-executions --pipeline-name "$pipeline" --max-items 1 \
  --query 'pipelineExecutionSummaries[0].[pipelineExecutionId,status]' --output text | head -n 1)
# The pipeline's CREATE_UPDATE action fails on a service stack in a failed state and never replaces it
# (https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_codepipeline_actions.CloudFormationCreateUpdateStackAction.html,
# https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-CloudFormation.html): a stack whose first
# creation failed never served traffic, so it is deleted (with the deployment role it was created with) and created again.
service_status="$(stack_status "$SERVICE_STACK")"
recreate=false
case "$service_status" in
  ROLLBACK_COMPLETE)
    say "Stack $SERVICE_STACK failed to create (ROLLBACK_COMPLETE), so it never served traffic: $(stack_failure "$SERVICE_STACK")"
    say "Deleting it so that a new pipeline run can create it again..."
    awsr cloudformation delete-stack --stack-name "$SERVICE_STACK"
    awsr cloudformation wait stack-delete-complete --stack-name "$SERVICE_STACK" ||
      fail "stack $SERVICE_STACK could not be deleted: see $CONSOLE/cloudformation/home?region=$REGION"
    recreate=true ;;
  UPDATE_ROLLBACK_FAILED)
    fail "stack $SERVICE_STACK is UPDATE_ROLLBACK_FAILED ($(stack_failure "$SERVICE_STACK")); it is not deleted, it served traffic: fix the cause, then aws cloudformation continue-update-rollback --region $REGION --stack-name $SERVICE_STACK, and run again" ;;
  *_IN_PROGRESS)
    [[ "$execution_status" == InProgress ]] ||
      fail "stack $SERVICE_STACK is $service_status outside a pipeline run; wait for it to finish and run again" ;;
  *_FAILED)
    fail "stack $SERVICE_STACK is $service_status ($(stack_failure "$SERVICE_STACK")); it is not deleted: see $CONSOLE/cloudformation/home?region=$REGION" ;;
esac
if [[ "$recreate" == true || "$connection_was_pending" == true || "$execution" == None || "$execution_status" == Failed || "$execution_status" == Stopped ||
      ( "$execution_status" == Succeeded && "$service_status" == NONE ) ]]; then
  execution="$(awsr codepipeline start-pipeline-execution --name "$pipeline" --query pipelineExecutionId --output text)"
  say "Started pipeline $pipeline, execution $execution"
else
  say "Following pipeline $pipeline, execution $execution ($execution_status)"
fi
last=''
while :; do
  status="$(awsr codepipeline get-pipeline-execution --pipeline-name "$pipeline" --pipeline-execution-id "$execution" --query pipelineExecution.status --output text)"
  [[ "$status" == "$last" ]] || say "  pipeline: $status"
  last="$status"
  case "$status" in
    Succeeded) break ;;
    InProgress|Stopping) sleep "$POLL_SECONDS" ;;
    *)
      # Which action failed (text output queries each page, so the first line); for the service stack's, CloudFormation's reason.
      failed_action="$(awsr codepipeline list-action-executions --pipeline-name "$pipeline" --filter "pipelineExecutionId=$execution" \
        --query "actionExecutionDetails[?status=='Failed'].[stageName,actionName] | [0]" --output text | head -n 1 | tr '\t' /)" || failed_action=None
      reason=''
      [[ "$failed_action" == None || -z "$failed_action" ]] || reason=" at $failed_action"
      if [[ "$failed_action" == Deploy/ServiceStack ]]; then
        service_status="$(stack_status "$SERVICE_STACK")"
        reason+=" (stack $SERVICE_STACK is $service_status, $(stack_failure "$SERVICE_STACK"))"
        [[ "$service_status" != ROLLBACK_COMPLETE ]] || reason+="; fix the cause, push, and run npm run deploy again: it deletes the stack that never got created"
      fi
      fail "the pipeline run $execution ended $status$reason; see $CONSOLE/codesuite/codepipeline/pipelines/$pipeline/view?region=$REGION" ;;
  esac
done

# 6. The URL, from the service stack the pipeline deployed.
say ""
say "Service: $(stack_output "$SERVICE_STACK" ServiceUrl)"
