#!/usr/bin/env bash
<% const sh = (value) => `'${String(value).replaceAll("'", "'\\''")}'`; -%>
<% const perTask = (label) => { const x = estimate.steps.find((s) => s.label === label); return x ? x.worst / x.times : 0; }; -%>
# Adds the pipeline to the ECS service that already runs (sh delivery/deploy.sh [--apply] [--yes]). It first reads the
# live service, its task definition, target group and load balancer, and refuses what it cannot serve before it changes
# anything. Then it compares them with what a deployment without downtime needs, prints each difference with the
# deploy time it costs, and changes them only when you confirm (or pass --apply): every change is recorded in
# delivery/changes.log with the command that undoes it. Last, it creates or updates the pipeline stack
# (delivery/pipeline.yml), which deploys every push to the service with the ECS deploy action.
# Needs the AWS CLI v2 <%- awsCliMinVersion %> or later and Node.js (to read the CLI's JSON).
set -euo pipefail

REGION=<%- sh(region) %>
CLUSTER=<%- sh(cluster) %>
SERVICE=<%- sh(service) %>
PIPELINE_STACK=<%- sh(`${appName}-pipeline`) %>
HEALTH_PATH=<%- sh(healthCheckPath) %>
HERE="$(cd "$(dirname "$0")" && pwd)"
LOG="${CHANGES_LOG:-$HERE/changes.log}"

# What zero downtime needs (the generator's settings; the drain of src/zero-downtime fits these figures).
WANT_INTERVAL=<%= healthCheckInterval %>
WANT_TIMEOUT=<%= healthCheckTimeout %>
WANT_HEALTHY=<%= healthyThreshold %>
WANT_UNHEALTHY=<%= unhealthyThreshold %>
WANT_DEREGISTRATION=<%= deregistrationDelay %>
WANT_GRACE=<%= healthCheckGracePeriod %>
WANT_MIN=100
WANT_MAX=200
WANT_STOP_TIMEOUT=<%= stopTimeout %>
DRAIN=<%= drainSeconds %>
# The deploy time estimate of each step for one task (generators/app/core/settings/estimate.ts, worst case), at the
# values above; the live figures below come from the same formulas: healthy after max(threshold x interval, grace),
# the deregistration delay, and the stop timeout.
EST_HEALTHY=<%= perTask('pass the load balancer health checks') %>
EST_DEREGISTRATION=<%= perTask('deregistration delay of the old tasks') %>
EST_STOP=<%= perTask('stop the old tasks') %>

APPLY=0
YES=0
for arg in "$@"; do
  case "$arg" in
    --apply) APPLY=1 ;;
    --yes) YES=1 ;;
    -h | --help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) printf 'deploy: unknown argument %s (use --apply, --yes or --help)\n' "$arg" >&2; exit 2 ;;
  esac
done

say() { printf '%s\n' "$*"; }
refuse() { printf 'deploy: refused, nothing was changed: %s\n' "$*" >&2; exit 1; }
awsr() { aws --region "$REGION" --no-cli-pager --output json "$@"; }
# A value from JSON on stdin: `json 'x.services[0].status'` prints it ('' when absent).
json() { node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>{const x=JSON.parse(s);const v=new Function("x","try{return "+process.argv[1]+"}catch{return undefined}")(x);process.stdout.write(v===undefined||v===null?"":typeof v==="object"?JSON.stringify(v):String(v))})' "$1"; }

command -v aws >/dev/null || refuse "the AWS CLI v2 is not on PATH"
[[ "$(aws --version 2>&1)" == aws-cli/2.* ]] || refuse "the AWS CLI found is not v2 ($(aws --version 2>&1))"
if [ -n "${AWS_REGION:-}" ] && [ "$AWS_REGION" != "$REGION" ]; then
  refuse "AWS_REGION is $AWS_REGION but the service is in $REGION (the generator's --region): unset AWS_REGION or regenerate with --region $AWS_REGION"
fi

# 1. The live service, read only.
SVC="$(awsr ecs describe-services --cluster "$CLUSTER" --services "$SERVICE")" || refuse "cannot read service $SERVICE in cluster $CLUSTER ($REGION)"
STATUS="$(json 'x.services[0].status' <<<"$SVC")"
[ "$STATUS" = ACTIVE ] || refuse "no active service $SERVICE in cluster $CLUSTER in $REGION (is it in another region? the generator's --region sets it)"
ARN="$(json 'x.services[0].serviceArn' <<<"$SVC")"
[ "$(cut -d: -f4 <<<"$ARN")" = "$REGION" ] || refuse "service $ARN is not in $REGION"
CONTROLLER="$(json 'x.services[0].deploymentController?.type ?? "ECS"' <<<"$SVC")"
[ "$CONTROLLER" = ECS ] || refuse "service $SERVICE uses the $CONTROLLER deployment controller; the ECS deploy action serves only the ECS (rolling) controller"
TARGET_GROUP="$(json 'x.services[0].loadBalancers?.[0]?.targetGroupArn' <<<"$SVC")"
[ -n "$TARGET_GROUP" ] || refuse "service $SERVICE has no load balancer target group: without one, no deployment can be without downtime"
CONTAINER="$(json 'x.services[0].loadBalancers[0].containerName' <<<"$SVC")"
TASK_DEF="$(json 'x.services[0].taskDefinition' <<<"$SVC")"
HAVE_MIN="$(json 'x.services[0].deploymentConfiguration?.minimumHealthyPercent ?? 100' <<<"$SVC")"
HAVE_MAX="$(json 'x.services[0].deploymentConfiguration?.maximumPercent ?? 200' <<<"$SVC")"
HAVE_BREAKER="$(json '[x.services[0].deploymentConfiguration?.deploymentCircuitBreaker].map((b) => (b?.enable && b?.rollback ? "on" : "off"))[0]' <<<"$SVC")"
HAVE_GRACE="$(json 'x.services[0].healthCheckGracePeriodSeconds ?? 0' <<<"$SVC")"

TD="$(awsr ecs describe-task-definition --task-definition "$TASK_DEF")" || refuse "cannot read task definition $TASK_DEF"
HAVE_STOP_TIMEOUT="$(json "x.taskDefinition.containerDefinitions.find((c)=>c.name===\"$CONTAINER\")?.stopTimeout ?? 30" <<<"$TD")"
FAMILY="$(json 'x.taskDefinition.family' <<<"$TD")"
TASK_ROLE="$(json 'x.taskDefinition.taskRoleArn' <<<"$TD")"
EXECUTION_ROLE="$(json 'x.taskDefinition.executionRoleArn' <<<"$TD")"

TG="$(awsr elbv2 describe-target-groups --target-group-arns "$TARGET_GROUP")" || refuse "cannot read target group $TARGET_GROUP"
HAVE_PATH="$(json 'x.TargetGroups[0].HealthCheckPath' <<<"$TG")"
HAVE_INTERVAL="$(json 'x.TargetGroups[0].HealthCheckIntervalSeconds' <<<"$TG")"
HAVE_TIMEOUT="$(json 'x.TargetGroups[0].HealthCheckTimeoutSeconds' <<<"$TG")"
HAVE_HEALTHY="$(json 'x.TargetGroups[0].HealthyThresholdCount' <<<"$TG")"
HAVE_UNHEALTHY="$(json 'x.TargetGroups[0].UnhealthyThresholdCount' <<<"$TG")"
LOAD_BALANCER="$(json 'x.TargetGroups[0].LoadBalancerArns?.[0]' <<<"$TG")"
[ -n "$LOAD_BALANCER" ] || refuse "target group $TARGET_GROUP is attached to no load balancer"
ATTRS="$(awsr elbv2 describe-target-group-attributes --target-group-arn "$TARGET_GROUP")" || refuse "cannot read the attributes of $TARGET_GROUP"
HAVE_DEREGISTRATION="$(json 'x.Attributes.find((a)=>a.Key==="deregistration_delay.timeout_seconds")?.Value ?? 300' <<<"$ATTRS")"
LB="$(awsr elbv2 describe-load-balancers --load-balancer-arns "$LOAD_BALANCER")" || refuse "cannot read load balancer $LOAD_BALANCER"
DNS="$(json 'x.LoadBalancers[0].DNSName' <<<"$LB")"

# 2. Does the running service answer the health path?
if ANSWER="$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "http://$DNS$HEALTH_PATH")" && [ "$ANSWER" = 200 ]; then
  ANSWERS=1
else
  ANSWERS=0
  say "The running service does not answer $HEALTH_PATH with 200 (got ${ANSWER:-no answer}) at http://$DNS: wire src/zero-downtime"
  say "into the app (delivery/README.md) and let the pipeline deploy it; the health check path is changed only once it answers."
fi

# 3. Differences with what zero downtime needs, with the deploy time of each per task (worst case).
healthy_seconds() { local t=$(($1 * $2)); [ "$t" -ge "$3" ] && say "$t" || say "$3"; }
LIVE_HEALTHY="$(healthy_seconds "$HAVE_HEALTHY" "$HAVE_INTERVAL" "$HAVE_GRACE")"
CHANGES=()
printf '%-32s %-14s %-14s %s\n' setting live needed 'deploy time per task (live -> needed)'
row() { # name live needed estimate
  local mark=' '
  if [ "$2" != "$3" ]; then mark='*'; CHANGES+=("$1"); fi
  printf '%s %-30s %-14s %-14s %s\n' "$mark" "$1" "$2" "$3" "$4"
}
row healthCheckPath "$HAVE_PATH" "$HEALTH_PATH" '-'
row healthCheckInterval "$HAVE_INTERVAL" "$WANT_INTERVAL" "healthy after ${LIVE_HEALTHY} s -> ${EST_HEALTHY} s"
row healthyThreshold "$HAVE_HEALTHY" "$WANT_HEALTHY" "healthy after ${LIVE_HEALTHY} s -> ${EST_HEALTHY} s"
row unhealthyThreshold "$HAVE_UNHEALTHY" "$WANT_UNHEALTHY" "the drain of ${DRAIN} s counts on it"
row healthCheckTimeout "$HAVE_TIMEOUT" "$WANT_TIMEOUT" '-'
row deregistrationDelay "$HAVE_DEREGISTRATION" "$WANT_DEREGISTRATION" "${HAVE_DEREGISTRATION} s -> ${EST_DEREGISTRATION} s"
row healthCheckGracePeriod "$HAVE_GRACE" "$WANT_GRACE" "healthy after ${LIVE_HEALTHY} s -> ${EST_HEALTHY} s"
row minimumHealthyPercent "$HAVE_MIN" "$WANT_MIN" 'below 100: fewer tasks serve during a deployment'
row maximumPercent "$HAVE_MAX" "$WANT_MAX" 'below 200: the tasks are replaced in more waves'
row circuitBreaker "$HAVE_BREAKER" on 'a failing deployment rolls back by itself'
row stopTimeout "$HAVE_STOP_TIMEOUT" "$WANT_STOP_TIMEOUT" "stop after ${HAVE_STOP_TIMEOUT} s -> ${EST_STOP} s (the drain needs ${DRAIN} s)"

has() { local c; for c in "${CHANGES[@]}"; do [ "$c" = "$1" ] && return 0; done; return 1; }
if [ "${#CHANGES[@]}" -eq 0 ]; then
  say "The service already has every setting a deployment without downtime needs."
else
  say "${#CHANGES[@]} setting(s) differ (marked *)."
  if [ "$APPLY" = 0 ] && [ "$YES" = 0 ]; then
    if [ -t 0 ]; then
      read -r -p "Apply them to the live service (recorded in $LOG with the undo commands)? [y/N] " reply
      [[ "$reply" == [yY]* ]] && APPLY=1
    fi
  fi
  [ "$YES" = 1 ] && APPLY=1
  if [ "$APPLY" = 1 ]; then
    UNDO=()
    record() { printf '%s change: %s\n%s undo:   %s\n' "$(date -u +%FT%TZ)" "$1" "$(date -u +%FT%TZ)" "$2" >>"$LOG"; UNDO+=("$2"); }
    if has healthCheckInterval || has healthyThreshold || has unhealthyThreshold || has healthCheckTimeout || { has healthCheckPath && [ "$ANSWERS" = 1 ]; }; then
      path_now="$HAVE_PATH"; [ "$ANSWERS" = 1 ] && path_now="$HEALTH_PATH"
      awsr elbv2 modify-target-group --target-group-arn "$TARGET_GROUP" --health-check-path "$path_now" \
        --health-check-interval-seconds "$WANT_INTERVAL" --health-check-timeout-seconds "$WANT_TIMEOUT" \
        --healthy-threshold-count "$WANT_HEALTHY" --unhealthy-threshold-count "$WANT_UNHEALTHY" >/dev/null
      record "target group health check $path_now ${WANT_INTERVAL}s/${WANT_TIMEOUT}s healthy ${WANT_HEALTHY} unhealthy ${WANT_UNHEALTHY}" \
        "aws --region $REGION elbv2 modify-target-group --target-group-arn $TARGET_GROUP --health-check-path $HAVE_PATH --health-check-interval-seconds $HAVE_INTERVAL --health-check-timeout-seconds $HAVE_TIMEOUT --healthy-threshold-count $HAVE_HEALTHY --unhealthy-threshold-count $HAVE_UNHEALTHY"
    fi
    if has deregistrationDelay; then
      awsr elbv2 modify-target-group-attributes --target-group-arn "$TARGET_GROUP" --attributes "Key=deregistration_delay.timeout_seconds,Value=$WANT_DEREGISTRATION" >/dev/null
      record "deregistration delay $WANT_DEREGISTRATION s" \
        "aws --region $REGION elbv2 modify-target-group-attributes --target-group-arn $TARGET_GROUP --attributes Key=deregistration_delay.timeout_seconds,Value=$HAVE_DEREGISTRATION"
    fi
    if has minimumHealthyPercent || has maximumPercent || has circuitBreaker || has healthCheckGracePeriod; then
      awsr ecs update-service --cluster "$CLUSTER" --service "$SERVICE" --health-check-grace-period-seconds "$WANT_GRACE" \
        --deployment-configuration "minimumHealthyPercent=$WANT_MIN,maximumPercent=$WANT_MAX,deploymentCircuitBreaker={enable=true,rollback=true}" >/dev/null
      HAVE_BREAKER_FLAGS="enable=false,rollback=false"; [ "$HAVE_BREAKER" = on ] && HAVE_BREAKER_FLAGS="enable=true,rollback=true"
      record "service deployment configuration min $WANT_MIN max $WANT_MAX circuit breaker with rollback, grace $WANT_GRACE s" \
        "aws --region $REGION ecs update-service --cluster $CLUSTER --service $SERVICE --health-check-grace-period-seconds $HAVE_GRACE --deployment-configuration minimumHealthyPercent=$HAVE_MIN,maximumPercent=$HAVE_MAX,deploymentCircuitBreaker={$HAVE_BREAKER_FLAGS}"
    fi
    if has stopTimeout; then
      say "stopTimeout is a property of the task definition: set \"stopTimeout\": $WANT_STOP_TIMEOUT on container $CONTAINER in your"
      say "task definition (the pipeline's deploy action copies the live revision, so the next deployment keeps it)."
    fi
    if [ "${#UNDO[@]}" -gt 0 ]; then
      say "Changed the live service; recorded in $LOG. To undo:"
      for u in "${UNDO[@]}"; do say "  $u"; done
    fi
  else
    say "Nothing changed on the live service (run again with --apply, or answer y, to apply the differences)."
  fi
fi

# 4. The pipeline stack: it deploys the service, it does not own it.
PARAMS=("ContainerName=$CONTAINER" "TaskDefinitionFamily=$FAMILY")
[ -n "$TASK_ROLE" ] && PARAMS+=("TaskRoleArn=$TASK_ROLE")
[ -n "$EXECUTION_ROLE" ] && PARAMS+=("ExecutionRoleArn=$EXECUTION_ROLE")
awsr cloudformation deploy --stack-name "$PIPELINE_STACK" --template-file "$HERE/pipeline.yml" \
  --capabilities CAPABILITY_IAM --no-fail-on-empty-changeset --parameter-overrides "${PARAMS[@]}" >/dev/null
say "Pipeline stack $PIPELINE_STACK is deployed: every push to <%= branch %> now deploys $SERVICE (container $CONTAINER)."
