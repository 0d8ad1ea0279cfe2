#!/usr/bin/env bash
# deploy.sh builds the cqmon Lambda function, uploads it, and creates or updates its CloudFormation
# stack (deploy/cqmon.yaml); with --org or --accounts, also the member role of the other accounts
# (deploy/cqmon-member-role.yaml) as a service-managed StackSet. Run it again at any time: with nothing
# changed, it changes nothing.
# docs/deploy.md walks through it.
set -euo pipefail

usage() {
	cat <<'EOF'
Usage: deploy/deploy.sh [options]

Builds cmd/cqmon-lambda as a provided.al2023 "bootstrap", uploads the zip to the deployment
bucket cqmon-deploy-<account>-<region> (created if missing), and creates or updates the stack.
Options not given keep the stack's current value (the template's default on first deploy).

  --email ADDRESS        subscribe ADDRESS to the alert topic (NotificationEmail)
  --threshold N          violation threshold in percent, 1-99 (ThresholdPercentage)
  --memory MB            function memory, 128-10240 (LambdaMemory)
  --timeout SECONDS      function timeout, 60-900 (LambdaTimeout)
  --schedule EXPR        EventBridge schedule, e.g. "rate(1 hour)" (ScheduleExpression)
  --s3 true|false        keep history in an S3 bucket (UseS3Storage)
  --dynamodb true|false  keep history in a DynamoDB table (UseDynamoDBStorage)
  --regions a,b          Regions to scan; default the stack's Region (Regions)
  --vpc-id ID            run the function in this VPC (VpcId) ...
  --subnet-ids a,b       ... in these subnets (SubnetIds)
  --arch arm64|x86_64    build for and run on this architecture (default: the stack's, else arm64)
  --runtime NAME         accepted for the Python Lambda's scripts and ignored, with a warning:
                         cqmon is a Go binary and always runs on provided.al2023
  --param KEY=VALUE      any other template parameter (repeatable), e.g. --param MuteList=code:L-...

Organization (run from the Organization's management account; docs/deploy.md, "Organization"):
  --org                  scan every ACTIVE account of the Organization, each account and Region once
                         per run through Step Functions (OrganizationMode=Organization)
  --ou-ids ou-a,ou-b     with --org: scan only these OUs (and their children) and deploy the member
                         role to them (OrganizationUnitIds); without it, the StackSet targets the
                         Organization's root
  --accounts a,b         scan these accounts instead (OrganizationMode=Accounts); deploy the member
                         role to them yourself (a stack of deploy/cqmon-member-role.yaml each)
  --role-name NAME       the member role's name (MemberRoleName, default cqmon-reader)
  --external-id ID       the ExternalId the member roles require (ExternalId)
  --max-concurrency N    items scanned at once, 1-1000 (MaxConcurrency, default 20)
  --stack-name NAME      stack and function name (default cqmon)
  --region REGION        AWS Region (default: the AWS CLI's)
  --profile NAME         AWS CLI profile
  --endpoint-url URL     send every AWS call to URL (also read from AWS_ENDPOINT_URL)
  --dry-run              build and show what would be deployed; change nothing in AWS
  -h, --help             this help
EOF
}

die() {
	echo "deploy.sh: $*" >&2
	exit 2
}
step() { echo "==> $*" >&2; }

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
template="$here/cqmon.yaml"

stack=cqmon
region=""
profile=""
endpoint="${AWS_ENDPOINT_URL:-}"
arch=""
dry_run=false
email=""
params=()
org_mode=""
ou_ids=""
role_name=cqmon-reader
external_id=""

# check_int FLAG VALUE MIN MAX: the same bounds, and the same kind of message, as the function's
# own configuration check.
check_int() {
	[[ $2 =~ ^[0-9]+$ ]] || die "$1: \"$2\" is not a whole number"
	((10#$2 >= $3 && 10#$2 <= $4)) || die "$1: \"$2\" is outside $3-$4"
}
check_bool() {
	[[ $2 == true || $2 == false ]] || die "$1: \"$2\" is not true or false"
}

while (($# > 0)); do
	if [[ $1 == --*=* ]]; then
		set -- "${1%%=*}" "${1#*=}" "${@:2}"
	fi
	case $1 in
	-h | --help)
		usage
		exit 0
		;;
	--dry-run)
		dry_run=true
		shift
		continue
		;;
	--org)
		[[ $org_mode != Accounts ]] || die "--org: cannot be combined with --accounts"
		org_mode=Organization
		params+=("OrganizationMode=Organization")
		shift
		continue
		;;
	esac
	(($# >= 2)) || die "$1 needs a value"
	case $1 in
	--email)
		email=$2
		params+=("NotificationEmail=$2")
		;;
	--threshold) check_int "$1" "$2" 1 99 && params+=("ThresholdPercentage=$2") ;;
	--memory) check_int "$1" "$2" 128 10240 && params+=("LambdaMemory=$2") ;;
	--timeout) check_int "$1" "$2" 60 900 && params+=("LambdaTimeout=$2") ;;
	--schedule) params+=("ScheduleExpression=$2") ;;
	--s3) check_bool "$1" "$2" && params+=("UseS3Storage=$2") ;;
	--dynamodb) check_bool "$1" "$2" && params+=("UseDynamoDBStorage=$2") ;;
	--regions) params+=("Regions=$2") ;;
	--vpc-id) params+=("VpcId=$2") ;;
	--subnet-ids) params+=("SubnetIds=$2") ;;
	--arch)
		[[ $2 == arm64 || $2 == x86_64 ]] || die "--arch: \"$2\" is not arm64 or x86_64"
		arch=$2
		;;
	--runtime)
		[[ $2 == provided.al2023 || $2 =~ ^python3\.[0-9]+$ ]] || die "--runtime: \"$2\" is not provided.al2023 or a python3.x runtime"
		[[ $2 == provided.al2023 ]] || echo "deploy.sh: warning: --runtime $2 is ignored: cqmon runs on provided.al2023 (a Go binary, not Python)" >&2
		;;
	--param)
		[[ $2 == [A-Za-z]*=* ]] || die "--param: \"$2\" is not KEY=VALUE"
		params+=("$2")
		;;
	--stack-name)
		[[ $2 =~ ^[A-Za-z][A-Za-z0-9-]{0,63}$ ]] || die "--stack-name: \"$2\" is not 1-64 letters, digits and hyphens starting with a letter"
		stack=$2
		;;
	--ou-ids)
		[[ $2 =~ ^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}(,ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})*$ ]] ||
			die "--ou-ids: \"$2\" is not organizational unit ids (ou-xxxx-xxxxxxxx), comma-separated"
		ou_ids=$2
		params+=("OrganizationUnitIds=$2")
		;;
	--accounts)
		[[ $2 =~ ^[0-9]{12}(,[0-9]{12})*$ ]] || die "--accounts: \"$2\" is not 12-digit account ids, comma-separated"
		org_mode=Accounts
		params+=("OrganizationMode=Accounts" "TargetAccounts=$2")
		;;
	--role-name)
		[[ $2 =~ ^[A-Za-z0-9+=,.@_-]{1,64}$ ]] || die "--role-name: \"$2\" is not an IAM role name"
		role_name=$2
		params+=("MemberRoleName=$2")
		;;
	--external-id)
		[[ $2 =~ ^[A-Za-z0-9+=,.@:/_-]{2,1224}$ ]] || die "--external-id: the value is not 2-1224 of letters, digits and +=,.@:/_-"
		external_id=$2
		params+=("ExternalId=$2")
		;;
	--max-concurrency) check_int "$1" "$2" 1 1000 && params+=("MaxConcurrency=$2") ;;
	--region) region=$2 ;;
	--profile) profile=$2 ;;
	--endpoint-url) endpoint=$2 ;;
	*) die "unknown option $1 (see --help)" ;;
	esac
	shift 2
done

[[ -z $ou_ids || $org_mode == Organization ]] || die "--ou-ids: needs --org"

for tool in aws go; do
	command -v "$tool" >/dev/null || die "$tool is not installed (see docs/deploy.md, Prerequisites)"
done

aws_args=()
[[ -n $profile ]] && aws_args+=(--profile "$profile")
if [[ -z $region ]]; then
	region=${AWS_REGION:-${AWS_DEFAULT_REGION:-$(aws "${aws_args[@]}" configure get region 2>/dev/null || true)}}
fi
[[ -n $region ]] || die "no AWS Region: pass --region or configure one (aws configure)"
aws_args+=(--region "$region")
if [[ -n $endpoint ]]; then
	aws_args+=(--endpoint-url "$endpoint")
	# cloudformation deploy uploads the template with an S3 client of its own, which reads only this.
	export AWS_ENDPOINT_URL=$endpoint
fi
awsc() { aws "${aws_args[@]}" "$@"; }

step "account and Region"
if ! account=$(awsc sts get-caller-identity --query Account --output text 2>&1); then
	$dry_run || die "no AWS credentials that work: $account"
	account="<account>"
fi
echo "    account $account, Region $region, stack $stack" >&2

stack_status=$(awsc cloudformation describe-stacks --stack-name "$stack" --query 'Stacks[0].StackStatus' --output text 2>/dev/null || echo NONE)
if [[ $stack_status == ROLLBACK_COMPLETE ]]; then
	die "stack $stack is in ROLLBACK_COMPLETE after a failed first deploy and cannot be updated:
    aws cloudformation delete-stack --region $region --stack-name $stack   # then run deploy.sh again"
fi
if [[ -z $arch ]]; then
	arch=arm64
	if [[ $stack_status != NONE ]]; then
		current=$(awsc cloudformation describe-stacks --stack-name "$stack" \
			--query "Stacks[0].Parameters[?ParameterKey=='LambdaArchitecture'].ParameterValue" --output text 2>/dev/null || true)
		[[ $current == arm64 || $current == x86_64 ]] && arch=$current
	fi
fi
goarch=arm64
[[ $arch == x86_64 ]] && goarch=amd64

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

step "build bootstrap (linux/$goarch)"
(cd "$root" && GOOS=linux GOARCH=$goarch CGO_ENABLED=0 go build -tags lambda.norpc -trimpath -buildvcs=false \
	-ldflags='-s -w' -o "$work/bootstrap" ./cmd/cqmon-lambda)
# A fixed time and mode make the zip a function of the binary alone, so an unchanged build has the
# same key and the stack sees no change.
chmod 755 "$work/bootstrap"
touch -t 198001010000 "$work/bootstrap"
if command -v zip >/dev/null; then
	(cd "$work" && zip -X -q -9 cqmon.zip bootstrap)
elif command -v python3 >/dev/null; then
	python3 - "$work" <<'EOF'
import sys, zipfile
work = sys.argv[1]
info = zipfile.ZipInfo("bootstrap", date_time=(1980, 1, 1, 0, 0, 0))
info.external_attr = 0o100755 << 16
info.compress_type = zipfile.ZIP_DEFLATED
with open(work + "/bootstrap", "rb") as f, zipfile.ZipFile(work + "/cqmon.zip", "w") as z:
    z.writestr(info, f.read(), compresslevel=9)
EOF
else
	die "neither zip nor python3 is installed to package the function"
fi
size=$(wc -c <"$work/cqmon.zip" | tr -d ' ')
sha=$( (sha256sum "$work/cqmon.zip" 2>/dev/null || shasum -a 256 "$work/cqmon.zip") | cut -c1-64)
echo "    cqmon.zip: $size bytes, sha256 $sha" >&2
if ((size > 50 * 1024 * 1024)); then
	echo "    the zip exceeds Lambda's 50 MB limit for direct uploads; it is deployed from S3, as always" >&2
fi

bucket="cqmon-deploy-$account-$region"
key="cqmon-lambda/$sha.zip"
overrides=("CodeS3Bucket=$bucket" "CodeS3Key=$key" "LambdaArchitecture=$arch" ${params[@]+"${params[@]}"})

if $dry_run; then
	step "dry run: nothing changed in AWS. Would upload s3://$bucket/$key and run:"
	printf '    aws cloudformation deploy --region %q --stack-name %q --template-file %q \\\n' "$region" "$stack" "$template"
	printf '      --s3-bucket %q --s3-prefix cqmon-templates \\\n' "$bucket"
	printf '      --capabilities CAPABILITY_NAMED_IAM --no-fail-on-empty-changeset --parameter-overrides'
	printf ' %q' "${overrides[@]}"
	printf '\n'
	exit 0
fi

step "deployment bucket s3://$bucket"
if ! awsc s3api head-bucket --bucket "$bucket" >/dev/null 2>&1; then
	if [[ $region == us-east-1 ]]; then
		awsc s3api create-bucket --bucket "$bucket" >/dev/null
	else
		awsc s3api create-bucket --bucket "$bucket" --create-bucket-configuration "LocationConstraint=$region" >/dev/null
	fi
	awsc s3api put-public-access-block --bucket "$bucket" --public-access-block-configuration \
		BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true
	awsc s3api put-bucket-encryption --bucket "$bucket" --server-side-encryption-configuration \
		'{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}'
	echo "    created" >&2
fi
if awsc s3api head-object --bucket "$bucket" --key "$key" >/dev/null 2>&1; then
	echo "    s3://$bucket/$key is already there" >&2
else
	awsc s3api put-object --bucket "$bucket" --key "$key" --body "$work/cqmon.zip" >/dev/null
	echo "    uploaded s3://$bucket/$key" >&2
fi

step "stack $stack ($([[ $stack_status == NONE ]] && echo create || echo update))"
# Parameters already at the asked value are left out: CloudFormation keeps the previous value of
# every parameter not given, and the change set shows only what this run changes.
if [[ $stack_status != NONE ]]; then
	current=$(awsc cloudformation describe-stacks --stack-name "$stack" --output text \
		--query 'Stacks[0].Parameters[].[ParameterKey, ParameterValue]' 2>/dev/null | tr '\t' '=' || true)
	changed=()
	for kv in "${overrides[@]}"; do
		grep -qxF -- "$kv" <<<"$current" || changed+=("$kv")
	done
	overrides=(${changed[@]+"${changed[@]}"})
	if ((${#overrides[@]} > 0)); then
		echo "    parameters to change: ${overrides[*]%%=*}" >&2
	fi
fi
override_args=()
((${#overrides[@]} > 0)) && override_args=(--parameter-overrides "${overrides[@]}")
# With no parameter to change and the template the stack already has, there is nothing to deploy.
# Otherwise, with nothing changed, CloudFormation refuses the change set ("didn't contain changes",
# which --no-fail-on-empty-changeset accepts); some endpoints refuse it earlier with "No updates are
# to be performed", which means the same. The template is passed through the deployment bucket:
# CloudFormation takes at most 51,200 bytes inline.
deployed=""
if [[ $stack_status != NONE ]] && ((${#overrides[@]} == 0)); then
	deployed=$(awsc cloudformation get-template --stack-name "$stack" --query TemplateBody --output text 2>/dev/null || true)
fi
if [[ -n $deployed && $deployed == "$(<"$template")" ]]; then
	out="No changes to deploy. Stack $stack is up to date"
elif ! out=$(awsc cloudformation deploy --template-file "$template" --stack-name "$stack" \
	--s3-bucket "$bucket" --s3-prefix cqmon-templates --capabilities CAPABILITY_NAMED_IAM --no-fail-on-empty-changeset ${override_args[@]+"${override_args[@]}"} 2>&1); then
	if [[ $out != *"No updates are to be performed"* ]]; then
		echo "$out" >&2
		echo "deploy.sh: the stack did not deploy; its failed events:" >&2
		awsc cloudformation describe-stack-events --stack-name "$stack" --output text \
			--query "StackEvents[?contains(ResourceStatus, 'FAILED')].[LogicalResourceId, ResourceStatusReason]" 2>/dev/null | head -20 >&2 || true
		exit 1
	fi
	out="No changes to deploy. Stack $stack is up to date"
fi
sed '/^$/d; s/^/    /' <<<"$out" >&2

# wait_operation SET ID: waits for a StackSet operation and fails when it did not succeed.
wait_operation() {
	local status
	for _ in $(seq 1 360); do
		status=$(awsc cloudformation describe-stack-set-operation --stack-set-name "$1" --operation-id "$2" \
			--query StackSetOperation.Status --output text)
		case $status in
		SUCCEEDED) return 0 ;;
		FAILED | STOPPED)
			awsc cloudformation list-stack-set-operation-results --stack-set-name "$1" --operation-id "$2" --output text \
				--query 'Summaries[?Status!=`SUCCEEDED`].[Account, Region, Status, StatusReason]' >&2 || true
			die "StackSet $1 operation $2 is $status"
			;;
		esac
		sleep 5
	done
	die "StackSet $1 operation $2 is still $status after 30 minutes"
}

if [[ $org_mode == Organization ]]; then
	# Service-managed: CloudFormation creates the role in every account of the OUs, and in accounts
	# that join them later; it never reaches the management account, which the hub scans with its
	# own role when it runs there.
	set_name="$stack-member-role"
	step "member role StackSet $set_name"
	member_role=$(awsc cloudformation describe-stacks --stack-name "$stack" --output text \
		--query "Stacks[0].Parameters[?ParameterKey=='MemberRoleName'].ParameterValue")
	[[ -n $member_role && $member_role != None ]] || member_role=$role_name
	targets=${ou_ids:-$(awsc organizations list-roots --query 'Roots[0].Id' --output text)}
	awsc cloudformation activate-organizations-access >/dev/null 2>&1 ||
		echo "    could not turn on trusted access for StackSets (it may be on already)" >&2
	set_params=("ParameterKey=HubAccountId,ParameterValue=$account" "ParameterKey=HubRoleName,ParameterValue=$stack-hub"
		"ParameterKey=RoleName,ParameterValue=$member_role")
	if awsc cloudformation describe-stack-set --stack-set-name "$set_name" >/dev/null 2>&1; then
		if [[ -n $external_id ]]; then
			set_params+=("ParameterKey=ExternalId,ParameterValue=$external_id")
		else
			set_params+=("ParameterKey=ExternalId,UsePreviousValue=true")
		fi
		op=$(awsc cloudformation update-stack-set --stack-set-name "$set_name" --template-body "file://$here/cqmon-member-role.yaml" \
			--capabilities CAPABILITY_NAMED_IAM --parameters "${set_params[@]}" --query OperationId --output text)
		wait_operation "$set_name" "$op"
		echo "    updated" >&2
	else
		set_params+=("ParameterKey=ExternalId,ParameterValue=$external_id")
		awsc cloudformation create-stack-set --stack-set-name "$set_name" --template-body "file://$here/cqmon-member-role.yaml" \
			--description "cqmon member role: read-only scan by the hub $stack in $account" \
			--capabilities CAPABILITY_NAMED_IAM --permission-model SERVICE_MANAGED \
			--auto-deployment Enabled=true,RetainStacksOnAccountRemoval=false --parameters "${set_params[@]}" >/dev/null
		echo "    created" >&2
	fi
	# IAM is global: one Region holds each account's role.
	have=$(awsc cloudformation list-stack-instances --stack-set-name "$set_name" --output text \
		--query 'Summaries[].OrganizationalUnitId' 2>/dev/null | tr '\t' '\n' || true)
	missing=()
	for ou in ${targets//,/ }; do
		grep -qxF -- "$ou" <<<"$have" || missing+=("$ou")
	done
	if ((${#missing[@]} > 0)); then
		op=$(awsc cloudformation create-stack-instances --stack-set-name "$set_name" --regions "$region" \
			--deployment-targets "OrganizationalUnitIds=$(IFS=,; echo "${missing[*]}")" \
			--operation-preferences FailureTolerancePercentage=100,MaxConcurrentPercentage=100 --query OperationId --output text)
		wait_operation "$set_name" "$op"
		echo "    role $member_role deployed to ${missing[*]}" >&2
	else
		echo "    role $member_role already deployed to $targets" >&2
	fi
fi

step "outputs"
outputs=$(awsc cloudformation describe-stacks --stack-name "$stack" --output text \
	--query 'Stacks[0].Outputs[].[OutputKey, OutputValue]')
if [[ -n $outputs && $outputs != None ]]; then
	grep -v '^InvokeCommand' <<<"$outputs" | sed 's/^/    /'
else
	echo "    (the endpoint reports no outputs; the stack's resources:)"
	awsc cloudformation list-stack-resources --stack-name "$stack" --output text \
		--query 'StackResourceSummaries[].[LogicalResourceId, PhysicalResourceId]' | awk 'NF == 2 { print "    " $0 }'
fi
function=$(awsc cloudformation list-stack-resources --stack-name "$stack" --output text \
	--query "StackResourceSummaries[?LogicalResourceId=='Function'].PhysicalResourceId")
[[ -n $email ]] && echo "Confirm the subscription: AWS sent a message to $email; alerts arrive only after you follow its link."
binary_format=""
[[ $(aws --version 2>&1) == aws-cli/1.* ]] || binary_format=" --cli-binary-format raw-in-base64-out"
invoke="aws lambda invoke --region $region"
[[ -n $profile ]] && invoke+=" --profile $profile"
[[ -n $endpoint ]] && invoke+=" --endpoint-url $endpoint"
if [[ -n $org_mode ]]; then
	machine=$(awsc cloudformation list-stack-resources --stack-name "$stack" --output text \
		--query "StackResourceSummaries[?LogicalResourceId=='OrgStateMachine'].PhysicalResourceId")
	start="aws stepfunctions start-execution --region $region"
	[[ -n $profile ]] && start+=" --profile $profile"
	[[ -n $endpoint ]] && start+=" --endpoint-url $endpoint"
	[[ $org_mode == Accounts ]] &&
		echo "Deploy deploy/cqmon-member-role.yaml in each listed account (HubAccountId=$account, HubRoleName=$stack-hub)."
	echo "Run the organization once now (its summary goes to connect-reports/org-latest.json):"
	echo "  $start --state-machine-arn $machine"
else
	echo "Run it once now (prints the run's summary):"
	echo "  $invoke --function-name $function --payload '{}'$binary_format /dev/stdout"
fi
