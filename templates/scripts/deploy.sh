#!/usr/bin/env bash
<% const sh = (value) => `'${String(value).replaceAll("'", "'\\''")}'`; -%>
<% const repositoryForm = source === 'connection' ? 'owner/name' : 'name'; -%>
<% const several = environments.length > 1; -%>
<% const firstStage = environments[0].stage; -%>
# npm run deploy: deploys the pipeline stack (infra/pipeline.yml) and follows its run, which builds the image and creates
# or updates the service stack (infra/service.yml) with it; prints the service's URL. Safe to run again: it updates,
# never duplicates. npm run deploy -- --help lists the options.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

usage() {
  cat <<'USAGE'
Usage: npm run deploy [-- options]

Deploys the pipeline stack <%- `${appName}-pipeline` %><%- network === 'new' ? ` (after the network stack ${appName}-network)` : '' %> in <%- region %>, follows the pipeline run that
creates or updates the service stack<%- several ? `s ${environments.map((e) => e.stack).join(', ')} in turn (a smoke test between two)` : ` ${environments[0].stack}` %>, and prints the service's URL. Run it again at any time.

Options:
<% if (network !== 'new') { -%>
  --vpc vpc-...                  the VPC (default: the account's default VPC<%- network === 'existing' ? '; required the first time' : '' %>)
  --subnets subnet-a,subnet-b    its public subnets for the load balancer, in two Availability Zones or more
  --task-subnets subnet-c,...    private subnets for the tasks (they need a NAT gateway; no public IP then)
<% } -%>
  --repository <%- repositoryForm.padEnd(18) %>the source repository<%- repository ? ` (default: ${repository})` : " (default: read from git remote origin)" %>
  -h, --help                     this text

Needs the AWS CLI v2 <%- awsCliMinVersion %> or later, with credentials for the target account.
USAGE
}

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
    -h|--help) usage; exit 0 ;;
    *) fail "unknown option $1 (see --help)" ;;
  esac
done
[[ -z "$subnets$task_subnets" || -n "$vpc" ]] || fail "--subnets and --task-subnets need --vpc"

# 1. Prerequisites: nothing is created before they all hold.
account="$(check_prerequisites)"
awsr ec2 describe-availability-zones --query 'AvailabilityZones[0].ZoneName' --output text >/dev/null 2>&1 ||
  fail "region $REGION is not enabled for account $account (or the credentials may not describe it); enable it or generate for another --region"
pipeline_status="$(stack_status "$PIPELINE_STACK")"
# A stack whose first change set failed stays REVIEW_IN_PROGRESS, without resources; aws cloudformation deploy treats it
# as absent and creates it with a new change set (has_stack in
# https://github.com/aws/aws-cli/blob/v2/awscli/customizations/cloudformation/deployer.py), and so does this command.
[[ "$pipeline_status" != REVIEW_IN_PROGRESS ]] || pipeline_status=NONE
case "$pipeline_status" in
  NONE|*_COMPLETE) ;;
  *_FAILED) fail "stack $PIPELINE_STACK is $pipeline_status ($(stack_failure "$PIPELINE_STACK")); see $CONSOLE/cloudformation/home?region=$REGION (npm run teardown deletes what is left of it)" ;;
  *) fail "stack $PIPELINE_STACK is $pipeline_status; wait for it to finish and run again" ;;
esac
[[ "$pipeline_status" != ROLLBACK_COMPLETE ]] ||
  fail "stack $PIPELINE_STACK failed to create (ROLLBACK_COMPLETE); see its events, delete it (aws cloudformation delete-stack --region $REGION --stack-name $PIPELINE_STACK) and run again"
# The repository: --repository, else the one stored at generation, else this clone's git remote origin.
repository_overrides=()
if [[ "$REPOSITORY_REQUIRED" == true && -z "$repository" && "$pipeline_status" == NONE ]]; then
  remote="$(git remote get-url origin 2>&1)" ||
    fail "no source repository: none was set when this project was generated and git remote origin gives none ($remote); push this repository first (git remote add origin <url>, git push) or pass --repository <%- repositoryForm %>"
  # The URL as messages show it: without a user name or token.
  shown="$(sed -E 's#^([a-z][a-z0-9+.-]*://)[^/@]+@#\1#' <<<"$remote")"
<% if (source === 'connection') { -%>
  repository_from_remote "$remote" ||
    fail "git remote origin ($shown) is not a GitHub, Bitbucket or GitLab repository URL (https://host/owner/name or git@host:owner/name); pass --repository owner/name"
  repository="$REMOTE_REPOSITORY"
<% if (!connectionArn) { -%>
  # The connection the pipeline stack creates is for the remote's provider (ConnectionProviderType, GitHub by default).
  [[ -z "$REMOTE_PROVIDER" ]] || repository_overrides+=(ConnectionProviderType="$REMOTE_PROVIDER")
<% } -%>
<% } else { -%>
  repository_from_remote "$remote" ||
    fail "git remote origin ($shown) is not a CodeCommit repository URL (https://git-codecommit.$REGION.amazonaws.com/v1/repos/<name> or codecommit::$REGION://<name>); pass --repository name"
  # A pipeline's source action must be in the pipeline's region, which CodePipeline enforces
  # (https://github.com/aws/aws-cdk/pull/4303, https://docs.aws.amazon.com/codepipeline/latest/userguide/actions-create-cross-region.html).
  [[ -z "$REMOTE_REGION" || "$REMOTE_REGION" == "$REGION" ]] ||
    fail "git remote origin ($shown) is a CodeCommit repository in $REMOTE_REGION, but this service deploys to $REGION and its pipeline can only read a repository in $REGION; pass --repository with a repository in $REGION"
  repository="$REMOTE_REPOSITORY"
<% } -%>
  say "Repository: $repository (from git remote origin, $shown)"
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
[[ -z "$repository" ]] || overrides+=("$REPOSITORY_PARAMETER=$repository" "${repository_overrides[@]}")
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
# An interrupted npm run teardown leaves the Deploy transition disabled: runs would stop after the build. Enabled again
# when teardown disabled it; a transition someone else disabled is theirs to enable.
transition="$(awsr codepipeline get-pipeline-state --name "$pipeline" \
  --query "stageStates[?stageName=='<%- firstStage %>'].inboundTransitionState.[enabled,disabledReason] | [0]" --output text)"
read -r deploy_enabled disabled_reason <<<"$transition"
if [[ "$deploy_enabled" == False ]]; then
  [[ "$disabled_reason" == "$TEARDOWN_REASON" ]] ||
    fail "the transition into the <%- firstStage %> stage of pipeline $pipeline is disabled (reason: $disabled_reason), so no run would deploy; enable it (aws codepipeline enable-stage-transition --region $REGION --pipeline-name $pipeline --stage-name <%- firstStage %> --transition-type Inbound) and run again"
  say "The <%- firstStage %> stage of $pipeline was disabled by an interrupted npm run teardown; enabling it again"
  awsr codepipeline enable-stage-transition --pipeline-name "$pipeline" --stage-name <%- firstStage %> --transition-type Inbound
fi
read -r execution execution_status < <(awsr codepipeline list-pipeline-executions --pipeline-name "$pipeline" --max-items 1 \
  --query 'pipelineExecutionSummaries[0].[pipelineExecutionId,status]' --output text | head -n 1)
# The pipeline's CREATE_UPDATE action fails on a service stack in a failed state and never replaces it
# (https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_codepipeline_actions.CloudFormationCreateUpdateStackAction.html,
# https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-CloudFormation.html): a stack whose first
# creation failed never served traffic, so it is deleted (with the deployment role it was created with) and created again.
recreate=false missing=false
for stack in <%- several ? '"${ENVIRONMENT_STACKS[@]}"' : '"$SERVICE_STACK"' %>; do
  service_status="$(stack_status "$stack")"
  case "$service_status" in
    ROLLBACK_COMPLETE)
      say "Stack $stack failed to create (ROLLBACK_COMPLETE), so it never served traffic: $(stack_failure "$stack")"
      say "It is deleted so that a new pipeline run can create it again."
      delete_stack "$stack"
      recreate=true ;;
    UPDATE_ROLLBACK_FAILED)
      fail "stack $stack is UPDATE_ROLLBACK_FAILED ($(stack_failure "$stack")); it is not deleted, it served traffic: fix the cause, then aws cloudformation continue-update-rollback --region $REGION --stack-name $stack, and run again" ;;
    *_IN_PROGRESS)
      [[ "$execution_status" == InProgress ]] ||
        fail "stack $stack is $service_status outside a pipeline run; wait for it to finish and run again" ;;
    *_FAILED)
      fail "stack $stack is $service_status ($(stack_failure "$stack")); it is not deleted: see $CONSOLE/cloudformation/home?region=$REGION" ;;
  esac
  [[ "$service_status" != NONE ]] || missing=true
done
if [[ "$recreate" == true || "$connection_was_pending" == true || "$execution" == None || "$execution_status" == Failed || "$execution_status" == Stopped ||
      ( "$execution_status" == Succeeded && "$missing" == true ) ]]; then
  execution="$(awsr codepipeline start-pipeline-execution --name "$pipeline" --query pipelineExecutionId --output text)"
  say "Started pipeline $pipeline, execution $execution"
else
  say "Following pipeline $pipeline, execution $execution ($execution_status)"
fi
pipeline_console="$CONSOLE/codesuite/codepipeline/pipelines/$pipeline/view?region=$REGION"
last=''
<% if (several) { -%>
reported=''
<% } -%>
<% if (manualApproval) { -%>
approval_announced=false
<% } -%>
while :; do
  status="$(awsr codepipeline get-pipeline-execution --pipeline-name "$pipeline" --pipeline-execution-id "$execution" --query pipelineExecution.status --output text)"
  [[ "$status" == "$last" ]] || say "  pipeline: $status"
  last="$status"
  case "$status" in
    Succeeded) break ;;
    InProgress|Stopping)
<% if (several) { -%>
      # Each environment's URL as its stage succeeds, and the smoke test's result (the few actions of a run fit one page).
      while IFS=$'\t' read -r done_stage done_action; do
        [[ -n "$done_stage" && "$done_stage" != None && " $reported " != *" $done_stage/$done_action "* ]] || continue
        reported+=" $done_stage/$done_action"
        for i in "${!ENVIRONMENT_STAGES[@]}"; do
          [[ "$done_stage" == "${ENVIRONMENT_STAGES[$i]}" ]] || continue
          if [[ "$done_action" == Smoke ]]; then
            say "  ${ENVIRONMENTS[$i]}: smoke test passed; promoting"
          else
            say "  ${ENVIRONMENTS[$i]}: deployed, $(stack_output "${ENVIRONMENT_STACKS[$i]}" ServiceUrl)"
          fi
        done
      done < <(awsr codepipeline list-action-executions --pipeline-name "$pipeline" --filter "pipelineExecutionId=$execution" --output text \
        --query "actionExecutionDetails[?status=='Succeeded' && (actionName=='Smoke' || actionName=='<%- traits.codeDeploy ? 'CodeDeploy' : 'ServiceStack' %>')].[stageName,actionName]")
<% } -%>
<% if (manualApproval) { -%>
      # The manual approval: InProgress until someone approves it in the console, at most 7 days
      # (https://docs.aws.amazon.com/codepipeline/latest/userguide/approvals.html). The few actions of a run fit one page.
      if [[ "$status" == InProgress && "$approval_announced" == false ]]; then
        approval="$(awsr codepipeline list-action-executions --pipeline-name "$pipeline" --filter "pipelineExecutionId=$execution" \
          --query "actionExecutionDetails[?status=='InProgress' && input.actionTypeId.category=='Approval'].[stageName,actionName] | [0]" --output text | head -n 1 | tr '\t' /)"
        if [[ -n "$approval" && "$approval" != None ]]; then
          say ""
          say "ACTION REQUIRED: the run waits for your manual approval ($approval), at most 7 days:"
          say "  $pipeline_console"
          say "  choose \"Review\" in the Approve stage, then \"Approve\" (or \"Reject\", which ends the run)."
          say "Waiting for it (Ctrl-C stops waiting, not the run; run npm run deploy again to follow it)..."
          approval_announced=true
        fi
      fi
<% } -%>
      sleep "$POLL_SECONDS" ;;
    *)
      # Which action failed and its error (the few actions of a run fit one page); for the service stack's,
      # CloudFormation's reason.
      IFS=$'\t' read -r failed_stage failed_action failed_message < <(awsr codepipeline list-action-executions --pipeline-name "$pipeline" \
        --filter "pipelineExecutionId=$execution" --output text --query \
        "actionExecutionDetails[?status=='Failed'].[stageName,actionName,output.executionResult.errorDetails.message || output.executionResult.externalExecutionSummary] | [0]" |
        head -n 1) || true
      failed_action="${failed_stage:-None}/${failed_action:-None}"
      reason=''
      [[ "${failed_stage:-None}" == None ]] || reason=" at $failed_action"
      [[ "${failed_message:-None}" == None ]] || reason+=" ($failed_message)"
      # A new account may start with a CodeBuild quota of 0 concurrent builds: StartBuild then fails with
      # AccountLimitExceededException (https://docs.aws.amazon.com/codebuild/latest/userguide/limits.html).
      if [[ "${failed_message:-}" == *AccountLimitExceededException* || "${failed_message:-}" == *"builds in queue for the account"* ]]; then
        reason+="; this account's CodeBuild quota of concurrent builds is too low (a new account's may be 0): request an increase of \"Concurrently running builds\" for the build's environment (Linux/Small) in Service Quotas, $CONSOLE/servicequotas/home/services/codebuild/quotas?region=$REGION, then run npm run deploy again"
      fi
<% if (several) { -%>
      # The stack of the environment whose stage failed.
      for i in "${!ENVIRONMENT_STAGES[@]}"; do
        [[ "$failed_stage" != "${ENVIRONMENT_STAGES[$i]}" ]] || SERVICE_STACK="${ENVIRONMENT_STACKS[$i]}"
      done
      [[ "$failed_action" != */Smoke ]] || reason+="; the smoke test failed against ${failed_stage#Deploy-}, so nothing was promoted (its log: the build log group of $PIPELINE_STACK)"
<% } -%>
      if [[ "$failed_action" == <%- several ? '*' : 'Deploy' %>/ServiceStack ]]; then
        service_status="$(stack_status "$SERVICE_STACK")"
        reason+=" (stack $SERVICE_STACK is $service_status, $(stack_failure "$SERVICE_STACK"))"
        [[ "$service_status" != ROLLBACK_COMPLETE ]] || reason+="; fix the cause, push, and run npm run deploy again: it deletes the stack that never got created"
      fi
      fail "the pipeline run $execution ended $status$reason; see $pipeline_console" ;;
  esac
done

<% if (several) { -%>
# 6. The URL of each environment, from the service stack the pipeline deployed there.
say ""
for i in "${!ENVIRONMENTS[@]}"; do
  say "${ENVIRONMENTS[$i]}: $(stack_output "${ENVIRONMENT_STACKS[$i]}" ServiceUrl)"
done
<% } else { -%>
# 6. The URL, from the service stack the pipeline deployed.
say ""
say "Service: $(stack_output "$SERVICE_STACK" ServiceUrl)"
<% } -%>
