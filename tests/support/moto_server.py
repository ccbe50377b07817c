"""moto in server mode, as `moto_server` runs it, with two additions. CloudWatch requests in the
rpc-v2-cbor protocol (the only one aws-sdk-cloudwatch for Rust speaks) are translated to moto's
JSON protocol and the answers back, with botocore's own codecs. Every other request goes to
moto untouched. moto 5.2.5 routes only CloudWatch's query and JSON protocols, so without this
the SDK's PutMetricData and GetMetricStatistics get 404.

It also loads AWS managed IAM policies, which moto leaves out by default, and makes two answers
what AWS gives: a Route 53 CREATE is refused only for a record that exists
(`route53_create_checks_what_exists`), GetMetricStatistics matches dimensions exactly
(`metric_statistics_match_dimensions_exactly`), S3's GetBucketVersioning and
GetBucketAccelerateConfiguration answers have AWS's root elements (`s3_roots`), S3 has
GetBucketRequestPayment and PutBucketRequestPayment and keeps a `Suspended` acceleration
(`s3_request_payment_and_acceleration`), GetBucketReplication answers the rules as they were
put (`s3_replication_as_put`), S3 delete markers can be deleted
(`s3_delete_markers_can_be_deleted`), and Application Auto Scaling tags scalable targets
(`application_autoscaling_tags`), a hosted zone made on a reusable delegation set is served by it
(`route53_zones_use_reusable_delegation_sets`), and UpdateHealthCheck keeps the lists it was not
given (`route53_update_health_check_keeps_lists`), EC2 filters take only `*` and `?` as wildcards
(`ec2_filters_match_brackets_literally`), and ELBv2's creates are idempotent
(`elbv2_creates_are_idempotent`) and take health-check logs' bucket and prefix
(`elbv2_health_check_logs_take_a_bucket`), ELBv2 rule conditions take `RegexValues`
(`elbv2_conditions_take_regex_values`), listener and rule actions take `jwt-validation`
(`elbv2_actions_take_jwt_validation`) and rules keep their `Transforms`
(`elbv2_rules_keep_transforms`), and DynamoDB's TagResource replaces a tag's value
(`dynamodb_tag_values_replace`), and ACM issues a DNS-validated certificate only once its
validation records are published (`acm_issues_only_validated_certificates`), and IAM lists a user's service-specific credentials
(`iam_lists_service_specific_credentials`), Cognito user pools keep and change their tags
(`cognito_user_pools_keep_and_change_tags`), and DescribeUserPoolDomain reports the account, the
certificate and the managed login version (`cognito_user_pool_domains_as_aws_describes`). With
MOTO_ECS_TASKS_NEVER_START=1 no ECS task ever runs (`ecs_tasks_that_never_start`). Each request
chooses its answer's optional fields for itself, as on AWS (`each_request_chooses_its_own_fields`).
The modules moto_<service>.py beside this file
add what moto lacks for Application Auto Scaling's predictive policies, CodeBuild, CodeCommit and
CodeDeploy, and run Lambda without Docker
(no test runs a function's code).

Usage: python moto_server.py PORT [PORT_FILE]   (exits when its parent process exits)
PORT 0 binds any free port; PORT_FILE, when given, receives the port bound once the server
listens (written whole, by a rename).
"""
import datetime, gzip, io, json, os, sys, threading, time

# AWS managed policies (arn:aws:iam::aws:policy/...) exist, as in AWS: stacks attach
# AmazonECSTaskExecutionRolePolicy. Set before moto is imported.
os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
import botocore.session
from botocore.parsers import BaseCBORParser, JSONParser
from botocore.serialize import RpcV2CBORSerializer
from werkzeug.serving import make_server
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app

from moto.route53.models import Route53Backend


def route53_create_checks_what_exists():
    """AWS refuses a CREATE of a record set that exists now. moto 5.2.5 also refuses one that
    was created and deleted before whenever any record sorts after it in the zone: it finds the
    old CREATE in its change journal, then lists the zone *from* that name on. So a record made,
    deleted and made again (a stack destroyed and applied again) failed there, never on AWS.
    Before moto's own check, a journal entry for a record that does not exist now is dropped;
    moto's journal is only used to check that a DELETE names a record that was made."""
    original = Route53Backend.change_resource_record_sets

    def change_resource_record_sets(self, zoneid, change_list):
        zone = self.get_hosted_zone(zoneid)
        for change in change_list:
            wanted = change["ResourceRecordSet"]
            if change["Action"] != "CREATE" or change not in zone.rr_changes:
                continue
            exists = any(
                record.name.strip(".") == wanted["Name"].strip(".")
                and record.type == wanted["Type"]
                and record.set_identifier == wanted.get("SetIdentifier")
                for record in zone.rrsets
            )
            if not exists:
                while change in zone.rr_changes:
                    zone.rr_changes.remove(change)
        return original(self, zoneid, change_list)

    Route53Backend.change_resource_record_sets = change_resource_record_sets


route53_create_checks_what_exists()


def route53_zones_use_reusable_delegation_sets():
    """A hosted zone created with a DelegationSetId is served by that reusable delegation set,
    as on AWS, and an unknown ID is refused (NoSuchDelegationSet). moto 5.2.5 makes a new set
    under the same ID, replacing the reusable one (caller reference becomes `DelSet_<zone>`),
    and keeps every other zone's default set among the reusable sets (with an empty ID)."""
    from moto.route53.exceptions import NoSuchDelegationSet
    original = Route53Backend.create_hosted_zone

    def create_hosted_zone(self, name, private_zone, caller_reference=None, vpcid=None,
                           vpcregion=None, comment=None, delegation_set_id=None):
        reusable = None
        if delegation_set_id:
            reusable = self.delegation_sets.get(delegation_set_id)
            if reusable is None:
                raise NoSuchDelegationSet(delegation_set_id)
        before = dict(self.delegation_sets)
        zone = original(self, name, private_zone, caller_reference=caller_reference,
                        vpcid=vpcid, vpcregion=vpcregion, comment=comment,
                        delegation_set_id=delegation_set_id)
        # The set moto made for the zone is the zone's own, not a reusable one.
        self.delegation_sets.clear()
        self.delegation_sets.update(before)
        if reusable is not None:
            zone.delegation_set = reusable
        return zone

    Route53Backend.create_hosted_zone = create_hosted_zone


route53_zones_use_reusable_delegation_sets()


def route53_update_health_check_keeps_lists():
    """UpdateHealthCheck keeps a check's ChildHealthChecks and Regions when the request does not
    name them, and resets those its ResetElements names, as AWS does; moto 5.2.5 reads an
    absent list as [] and empties them, and ignores ResetElements."""
    from moto.route53.responses import Route53
    original = Route53.update_health_check

    def names(value):
        # ResetElements as moto's parser gives it: a list, or {"ResettableElementName": ...}.
        if isinstance(value, dict):
            value = value.get("ResettableElementName", [])
        if isinstance(value, str):
            value = [value]
        return set(value or [])

    def update_health_check(self):
        check = self.backend.get_health_check(self._get_param("HealthCheckId"))
        children, regions = check.children, check.regions
        reset = names(self._get_param("ResetElements"))
        answer = original(self)
        if "ChildHealthChecks" in reset:
            check.set_children([])
        elif self._get_param("ChildHealthChecks") is None:
            check.set_children(children)
        if "Regions" in reset:
            # Reset: Route 53 checks from its default regions, which moto lists as none.
            check.set_regions([])
        elif self._get_param("Regions") is None:
            check.set_regions(regions)
        if "ResourcePath" in reset:
            check.resource_path = None
        if "FullyQualifiedDomainName" in reset:
            check.fqdn = None
        return answer

    Route53.update_health_check = update_health_check


route53_update_health_check_keeps_lists()


def ec2_filters_match_brackets_literally():
    """EC2 filter values take `*` and `?` as wildcards only; moto 5.2.5 uses fnmatch, which reads
    `aws_subnet.public[0]` as a character class, so no count/for_each instance was found by its
    `infra:address` tag (crash recovery then saw a taken CIDR it could not explain)."""
    import fnmatch as standard, types
    import moto.ec2.utils as utils

    def literal(pattern):
        return pattern.replace("[", "\0").replace("]", "[]]").replace("\0", "[[]")

    utils.fnmatch = types.SimpleNamespace(
        fnmatch=lambda name, pattern: standard.fnmatch(name, literal(pattern)),
        fnmatchcase=lambda name, pattern: standard.fnmatchcase(name, literal(pattern)),
        translate=lambda pattern: standard.translate(literal(pattern)),
        filter=lambda names, pattern: standard.filter(names, literal(pattern)))


ec2_filters_match_brackets_literally()


def elbv2_creates_are_idempotent():
    """CreateLoadBalancer and CreateListener with the settings of an existing object answer that
    object, as AWS documents (a retried create whose first answer was lost makes nothing new);
    other settings are DuplicateLoadBalancerName / DuplicateListener. moto 5.2.5 makes a second
    load balancer (it compares the name with ARNs), and a second listener on a port that has
    one (it looks the port up among ARNs). A listener's settings here are its port, protocol,
    certificate and default actions: a second listener on a taken port with other actions (two
    listeners of one configuration on one port) is DuplicateListener, as on AWS, not the
    first listener answered twice."""
    import copy
    from moto.elbv2.exceptions import DuplicateListenerError, DuplicateLoadBalancerName
    from moto.elbv2.models import ELBv2Backend, FakeAction
    create_load_balancer = ELBv2Backend.create_load_balancer
    create_listener = ELBv2Backend.create_listener

    def load_balancer(self, name, security_groups, subnet_ids, subnet_mappings=None,
                      scheme="internet-facing", loadbalancer_type=None, ip_address_type="ipv4",
                      tags=None):
        for existing in self.load_balancers.values():
            if existing.name != name:
                continue
            subnets = sorted(set(subnet_ids or []) | {m["SubnetId"] for m in subnet_mappings or []})
            if (existing.scheme == scheme
                    and existing.type == (loadbalancer_type or "application")
                    and sorted(s.id for s in existing.subnets) == subnets
                    and sorted(existing.security_groups or []) == sorted(security_groups or [])):
                return existing
            raise DuplicateLoadBalancerName()
        return create_load_balancer(self, name, security_groups, subnet_ids,
                                    subnet_mappings=subnet_mappings, scheme=scheme,
                                    loadbalancer_type=loadbalancer_type,
                                    ip_address_type=ip_address_type, tags=tags)

    def same_actions(existing, requested):
        # Compared as moto stores them: FakeAction fills in a forward's stickiness and weights.
        asked = [FakeAction(copy.deepcopy(action)).data for action in requested or []]
        return [action.data for action in existing.default_actions] == asked

    def listener(self, load_balancer_arn, protocol, port, ssl_policy, certificate, actions,
                 alpn_policy=None, tags=None):
        balancer = self.load_balancers.get(load_balancer_arn)
        for existing in (balancer.listeners.values() if balancer else []):
            if str(existing.port) == str(port):
                if (existing.protocol == (protocol or "").upper()
                        and existing.certificate == certificate
                        and same_actions(existing, actions)):
                    return existing
                raise DuplicateListenerError()
        return create_listener(self, load_balancer_arn, protocol, port, ssl_policy, certificate,
                               actions, alpn_policy=alpn_policy, tags=tags)

    ELBv2Backend.create_load_balancer = load_balancer
    ELBv2Backend.create_listener = listener


elbv2_creates_are_idempotent()


def elbv2_health_check_logs_take_a_bucket():
    """ModifyLoadBalancerAttributes takes `health_check_logs.s3.bucket` and
    `health_check_logs.s3.prefix` beside `health_check_logs.s3.enabled`, as the API reference's
    LoadBalancerAttribute lists them for Application Load Balancers; moto 5.2.5 knows only the
    last and refuses the other two ("Key ... not valid")."""
    from moto.elbv2.models import FakeLoadBalancer
    FakeLoadBalancer.VALID_ATTRS = FakeLoadBalancer.VALID_ATTRS | {
        "health_check_logs.s3.bucket", "health_check_logs.s3.prefix"}


elbv2_health_check_logs_take_a_bucket()


def elbv2_conditions_take_regex_values():
    """A rule's `host-header`, `path-pattern` and `http-header` conditions take `RegexValues`
    (regular expressions, each at most 128 characters) instead of `Values`, as the API
    reference's HostHeaderConditionConfig, PathPatternConditionConfig and
    HttpHeaderConditionConfig list them. moto 5.2.5 reads only `Values` and answers 500
    (KeyError) to a condition that has `RegexValues` alone. Such a condition is checked here
    (one value at least, 128 characters each, the header name's 40) and stored as sent, so
    CreateRule, ModifyRule and DescribeRules answer it; every other condition is moto's."""
    from moto.elbv2.exceptions import InvalidConditionValueError
    from moto.elbv2.models import ELBv2Backend

    configs = {"host-header": "HostHeaderConfig", "path-pattern": "PathPatternConfig",
               "http-header": "HttpHeaderConfig"}
    validate_conditions = ELBv2Backend._validate_conditions

    def regex_only(condition):
        config = condition.get(configs.get(condition.get("Field"), ""))
        return (isinstance(config, dict) and "RegexValues" in config and "Values" not in config
                and "Values" not in condition)

    def validate(self, conditions):
        for condition in conditions:
            if not regex_only(condition):
                continue
            field = condition["Field"]
            config = condition[configs[field]]
            if field == "http-header" and len(config.get("HttpHeaderName") or "") > 40:
                raise InvalidConditionValueError(
                    "The 'HttpHeaderName' value is too long; the limit is '40'")
            if not config["RegexValues"]:
                raise InvalidConditionValueError("A condition value must be specified")
            for value in config["RegexValues"]:
                if len(value) > 128:
                    raise InvalidConditionValueError(
                        f"The '{field}' value is too long; the limit is '128'")
        return validate_conditions(self, [c for c in conditions if not regex_only(c)])

    ELBv2Backend._validate_conditions = validate


elbv2_conditions_take_regex_values()


def elbv2_actions_take_jwt_validation():
    """Listener default actions and rule actions take the `jwt-validation` type with a
    `JwtValidationConfig` (the API reference's Action and JwtValidationActionConfig: `Issuer`
    and `JwksEndpoint` required, at most 10 `AdditionalClaims`, each with a `Format`
    (single-string, string-array or space-separated-values), a `Name` and `Values`). moto 5.2.5
    refuses the type (InvalidActionType) at CreateListener, ModifyListener, CreateRule and
    ModifyRule. It is checked here and stored as sent (DescribeListeners and DescribeRules
    answer it); the other actions of the list are checked by moto, at their own positions.
    Not checked: that the listener is HTTPS (AWS takes authentication actions on HTTPS
    listeners only; moto does not check that for authenticate-oidc/-cognito either)."""
    import types
    from moto.elbv2.exceptions import ValidationError
    from moto.elbv2.models import ELBv2Backend

    validate_actions = ELBv2Backend._validate_actions
    formats = {"single-string", "string-array", "space-separated-values"}

    def missing(index, member):
        return ValidationError(
            f"1 validation error detected: Value null at 'actions.member.{index}."
            f"jwtValidationConfig.{member}' failed to satisfy constraint: Member must not be null")

    def check(action, index):
        config = action.data.get("JwtValidationConfig")
        if not config:
            raise ValidationError(
                f"A 'JwtValidationConfig' must be specified with the 'jwt-validation' action "
                f"(action {index})")
        for member in ("Issuer", "JwksEndpoint"):
            if not config.get(member):
                raise missing(index, member[0].lower() + member[1:])
        claims = config.get("AdditionalClaims") or []
        if len(claims) > 10:
            raise ValidationError("AdditionalClaims: the maximum size of the list is 10")
        for claim in claims:
            if claim.get("Format") not in formats or not claim.get("Name") or not claim.get("Values"):
                raise ValidationError(
                    "An additional claim takes a Format (single-string, string-array or "
                    "space-separated-values), a Name and Values")

    def validate(self, actions):
        checked = []
        for index, action in enumerate(actions, start=1):
            if action.type == "jwt-validation":
                check(action, index)
                # moto's own check passes it as it passes authentication actions.
                action = types.SimpleNamespace(type="authenticate-oidc", data=action.data)
            checked.append(action)
        return validate_actions(self, checked)

    ELBv2Backend._validate_actions = validate


elbv2_actions_take_jwt_validation()


def elbv2_rules_keep_transforms():
    """CreateRule and ModifyRule take `Transforms` (one `host-header-rewrite` and one
    `url-rewrite`, each with the configuration block of its type only), ModifyRule takes
    `ResetTransforms` to remove them all (not both at once), and DescribeRules answers a rule's
    transforms, as the API reference documents; a ModifyRule that names only transforms
    changes only them ("Any properties that you do not specify are unchanged"). moto 5.2.5
    drops `Transforms` and ignores `ResetTransforms` (DescribeRules answers none, so a rule
    with a transform never planned clean), and refuses a ModifyRule without conditions or
    actions."""
    from moto.core.responses import ActionResult
    from moto.elbv2.exceptions import InvalidModifyRuleArgumentsError, RuleNotFoundError, ValidationError
    from moto.elbv2.models import ELBv2Backend, FakeListenerRule
    from moto.elbv2.responses import ELBV2Response

    FakeListenerRule.transforms = None
    blocks = {"host-header-rewrite": "HostHeaderRewriteConfig", "url-rewrite": "UrlRewriteConfig"}

    def checked(transforms):
        seen = set()
        for transform in transforms:
            kind = transform.get("Type")
            if kind not in blocks:
                raise ValidationError(
                    f"Transform type '{kind}' is not one of host-header-rewrite, url-rewrite")
            if kind in seen:
                raise ValidationError(f"A rule can have only one '{kind}' transform")
            seen.add(kind)
            for other, block in blocks.items():
                if other != kind and block in transform:
                    raise ValidationError(f"'{block}' can be specified only with '{other}'")
        return transforms or None

    def truthy(value):
        return value is True or str(value).lower() == "true"

    def create_rule(self):
        params = self._get_params()
        transforms = checked(params.get("Transforms") or [])
        rule = self.elbv2_backend.create_rule(
            listener_arn=params["ListenerArn"], conditions=params["Conditions"],
            priority=params["Priority"], actions=params["Actions"], tags=params.get("Tags"))
        rule.transforms = transforms
        return ActionResult({"Rules": [rule]})

    def modify_rule(self):
        params = self._get_params()
        conditions = params.get("Conditions", [])
        actions = params.get("Actions", [])
        transforms = params.get("Transforms")
        reset = truthy(params.get("ResetTransforms", False))
        if transforms is not None and reset:
            raise ValidationError("If you specify ResetTransforms, you can't specify Transforms")
        if transforms is not None:
            transforms = checked(transforms)
        if conditions or actions:
            rule = self.elbv2_backend.modify_rule(
                rule_arn=params["RuleArn"], conditions=conditions, actions=actions)
        elif transforms is not None or reset:
            rules = self.elbv2_backend.describe_rules(listener_arn=None, rule_arns=[params["RuleArn"]])
            if not rules:
                raise RuleNotFoundError()
            rule = rules[0]
        else:
            raise InvalidModifyRuleArgumentsError()
        if reset:
            rule.transforms = None
        elif transforms is not None:
            rule.transforms = transforms
        return ActionResult({"Rules": [rule]})

    ELBV2Response.create_rule = create_rule
    ELBV2Response.modify_rule = modify_rule


elbv2_rules_keep_transforms()


def application_autoscaling_tags():
    """Application Auto Scaling tags scalable targets: RegisterScalableTarget's `Tags` (on a
    new target), TagResource, UntagResource and ListTagsForResource, by the target's ARN, with
    ResourceNotFoundException for an ARN that names no target. moto 5.2.5 ignores `Tags` and
    does not implement the three tag operations."""
    from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse

    def tags_of(backend):
        if not hasattr(backend, "infra_tags"):
            backend.infra_tags = {}
        return backend.infra_tags

    def target_arns(backend):
        return {t.arn for targets in backend.targets.values() for t in targets.values()}

    def known(response, arn):
        return arn in target_arns(response.applicationautoscaling_backend)

    def not_found(arn):
        return json.dumps({"__type": "ResourceNotFoundException", "Message": f"No scalable target found for ARN {arn}"})

    original_register = ApplicationAutoScalingResponse.register_scalable_target
    original_deregister = ApplicationAutoScalingResponse.deregister_scalable_target

    def register_scalable_target(self):
        backend = self.applicationautoscaling_backend
        before = target_arns(backend)
        answer = original_register(self)
        arn = json.loads(answer)["ScalableTargetARN"]
        if arn not in before:
            tags_of(backend)[arn] = dict(self._get_param("Tags") or {})
        return answer

    def deregister_scalable_target(self):
        backend = self.applicationautoscaling_backend
        before = target_arns(backend)
        answer = original_deregister(self)
        for arn in before - target_arns(backend):
            tags_of(backend).pop(arn, None)
        return answer

    def tag_resource(self):
        arn = self._get_param("ResourceARN")
        if not known(self, arn):
            return 400, {}, not_found(arn)
        tags_of(self.applicationautoscaling_backend).setdefault(arn, {}).update(self._get_param("Tags") or {})
        return json.dumps({})

    def untag_resource(self):
        arn = self._get_param("ResourceARN")
        if not known(self, arn):
            return 400, {}, not_found(arn)
        tags = tags_of(self.applicationautoscaling_backend).setdefault(arn, {})
        for key in self._get_param("TagKeys") or []:
            tags.pop(key, None)
        return json.dumps({})

    def list_tags_for_resource(self):
        arn = self._get_param("ResourceARN")
        if not known(self, arn):
            return 400, {}, not_found(arn)
        return json.dumps({"Tags": tags_of(self.applicationautoscaling_backend).get(arn, {})})

    ApplicationAutoScalingResponse.register_scalable_target = register_scalable_target
    ApplicationAutoScalingResponse.deregister_scalable_target = deregister_scalable_target
    ApplicationAutoScalingResponse.tag_resource = tag_resource
    ApplicationAutoScalingResponse.untag_resource = untag_resource
    ApplicationAutoScalingResponse.list_tags_for_resource = list_tags_for_resource


application_autoscaling_tags()


def metric_statistics_match_dimensions_exactly():
    """CloudWatch's GetMetricStatistics returns the metric whose dimensions are exactly those
    asked for ("you must specify the same dimensions that were used when the metrics were
    created"); moto 5.2.5 also sums every metric that has them among others. So a query for a
    load balancer's RequestCount (LoadBalancer) would add its target groups' (TargetGroup and
    LoadBalancer) there, never on AWS. moto's own aggregation runs over the exact matches only.
    The dimensions asked for are kept per thread (the server answers each request on a thread
    of its own), so a concurrent ListMetrics or query sees every metric as before."""
    import threading
    from moto.cloudwatch.models import CloudWatchBackend

    original = CloudWatchBackend.get_metric_statistics
    all_metrics = CloudWatchBackend.get_all_metrics
    asked = threading.local()

    def get_all_metrics(self):
        metrics = all_metrics(self)
        wanted = getattr(asked, "dimensions", None)
        if wanted is None:
            return metrics
        return [datum for datum in metrics
                if sorted((d.name, d.value) for d in datum.dimensions) == wanted]

    def get_metric_statistics(self, namespace, metric_name, start_time, end_time, period, stats,
                              dimensions, unit=None):
        asked.dimensions = sorted((d["Name"], d.get("Value")) for d in dimensions or [])
        try:
            return original(self, namespace, metric_name, start_time, end_time, period, stats,
                            dimensions, unit)
        finally:
            asked.dimensions = None

    CloudWatchBackend.get_all_metrics = get_all_metrics
    CloudWatchBackend.get_metric_statistics = get_metric_statistics


metric_statistics_match_dimensions_exactly()


def s3_delete_markers_can_be_deleted():
    """S3's DeleteObjects removes delete markers by version ID, as it removes object versions
    (how a versioned bucket is emptied). moto 5.2.5 answers 500 there: it calls `dispose` on
    every deleted version, and its delete markers have none. They hold no data to dispose of."""
    from moto.s3.models import FakeDeleteMarker

    FakeDeleteMarker.dispose = lambda self, garbage=False: None


s3_delete_markers_can_be_deleted()


def s3_conditional_writes_are_atomic():
    """S3's conditional PutObject (If-None-Match: *, If-Match) checks and writes as one step:
    of two concurrent creates of one key, exactly one succeeds and the other gets 412. moto
    5.2.5 checks, then writes, in separate steps on a threaded server, so both can succeed (a
    state lock taken twice). One lock around conditional puts restores S3's meaning."""
    import threading
    from moto.s3.responses import S3Response

    put_object = S3Response.put_object
    conditional = threading.Lock()

    def atomic_put_object(self):
        if self.headers.get("If-None-Match") or self.headers.get("If-Match"):
            with conditional:
                return put_object(self)
        return put_object(self)

    S3Response.put_object = atomic_put_object


s3_conditional_writes_are_atomic()


def s3_request_payment_and_acceleration():
    """S3's GetBucketRequestPayment answers `<RequestPaymentConfiguration><Payer>` (BucketOwner
    until PutBucketRequestPayment sets Requester), and PutBucketRequestPayment stores the payer.
    moto 5.2.5 has no request-payment API: a GET `?requestPayment` lists the bucket's objects
    and a PUT is taken for CreateBucket. Both are answered here, the payer kept on moto's
    bucket. Also, as AWS documents for GetBucketAccelerateConfiguration, a bucket has an
    acceleration state once one is put, `Suspended` included; moto 5.2.5 drops a `Suspended`
    put on a bucket that was never accelerated. (Its answer's root is renamed by `s3_roots`.)"""
    import xmltodict
    from moto.s3.exceptions import MalformedXML
    from moto.s3.models import FakeBucket
    from moto.s3.responses import S3Response

    bucket_get, bucket_put = S3Response._bucket_response_get, S3Response._bucket_response_put

    def get(self, bucket_name, querystring):
        if "requestPayment" not in querystring:
            return bucket_get(self, bucket_name, querystring)
        self.data["Action"] = "GetBucketRequestPayment"
        self._authenticate_and_authorize_s3_action(bucket_name=bucket_name)
        payer = getattr(self.backend.get_bucket(bucket_name), "request_payer", "BucketOwner")
        return 200, {"Content-Type": "application/xml"}, (
            '<?xml version="1.0" encoding="UTF-8"?>\n<RequestPaymentConfiguration '
            f'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Payer>{payer}</Payer>'
            "</RequestPaymentConfiguration>")

    def put(self, request, bucket_name, querystring):
        if "requestPayment" not in querystring:
            return bucket_put(self, request, bucket_name, querystring)
        self.data["Action"] = "PutBucketRequestPayment"
        self._authenticate_and_authorize_s3_action(bucket_name=bucket_name)
        bucket = self.backend.get_bucket(bucket_name)
        try:
            payer = xmltodict.parse(self.body)["RequestPaymentConfiguration"]["Payer"]
        except Exception:
            raise MalformedXML()
        if payer not in ("BucketOwner", "Requester"):
            raise MalformedXML()
        bucket.request_payer = payer
        return ""

    def set_accelerate_configuration(self, accelerate_config):
        self.accelerate_configuration = accelerate_config

    S3Response._bucket_response_get = get
    S3Response._bucket_response_put = put
    FakeBucket.set_accelerate_configuration = set_accelerate_configuration


s3_request_payment_and_acceleration()


def s3_replication_as_put():
    """GetBucketReplication answers each rule as it was put, as AWS does (S3 gives a rule without
    an ID one): a rule with a Filter (the V2 schema) with its Filter, Priority and
    DeleteMarkerReplication, one without (V1) with its Prefix, and either with its
    SourceSelectionCriteria. moto 5.2.5 answers every rule with an empty Filter prefix, a
    priority and DeleteMarkerReplication Disabled, and drops the rest."""
    from moto.core.responses import ActionResult
    from moto.s3.exceptions import ReplicationConfigurationNotFoundError
    from moto.s3.responses import S3Response

    def rule_as_put(stored):
        rule = {key: stored[key] for key in ("ID", "Status", "Destination")}
        if "Filter" in stored:
            rule_filter = dict(stored["Filter"] or {})
            if isinstance(rule_filter.get("And"), dict):
                both = dict(rule_filter["And"])
                tags = both.pop("Tag", [])
                both["Tags"] = tags if isinstance(tags, list) else [tags]
                rule_filter["And"] = both
            rule["Filter"] = rule_filter
            rule["Priority"] = stored["Priority"]
            rule["DeleteMarkerReplication"] = stored.get(
                "DeleteMarkerReplication", {"Status": "Disabled"})
        else:
            rule["Prefix"] = stored.get("Prefix") or ""
        if "SourceSelectionCriteria" in stored:
            rule["SourceSelectionCriteria"] = stored["SourceSelectionCriteria"]
        return rule

    def get_bucket_replication(self):
        self.data["Action"] = "GetBucketReplication"
        replication = self.backend.get_bucket_replication(self.bucket_name)
        if not replication:
            raise ReplicationConfigurationNotFoundError(bucket_name=self.bucket_name)
        return self.serialized(ActionResult({"ReplicationConfiguration": {
            "Role": replication["Role"],
            "Rules": [rule_as_put(rule) for rule in replication["Rule"]],
        }}))

    S3Response.get_bucket_replication = get_bucket_replication


s3_replication_as_put()


def dynamodb_tag_values_replace():
    """DynamoDB's TagResource gives a key that a table has already its new value, as AWS's
    tagging APIs do. moto 5.2.5 appends a second tag with the same key, so a changed tag is
    listed twice, with the old and the new value."""
    from moto.dynamodb.models import DynamoDBBackend

    def tag_resource(self, arn, tags):
        for table in self.tables.values():
            if table.table_arn == arn:
                kept = [tag for tag in table.tags if tag["Key"] not in tags]
                table.tags = kept + [{"Key": k, "Value": v} for k, v in tags.items()]

    DynamoDBBackend.tag_resource = tag_resource


dynamodb_tag_values_replace()

def iam_lists_service_specific_credentials():
    """IAM's ListServiceSpecificCredentials lists a user's credentials for CodeCommit, Amazon
    Keyspaces and Bedrock. moto 5.2.5 does not implement it and answers 500, which the SDK
    retried for four minutes (the destroy of a user with `force_destroy` lists them). No test
    makes such a credential, so the answer is AWS's for a user without one: an empty list; for a
    user that does not exist, NoSuchEntity."""
    from moto.core.responses import ActionResult
    from moto.iam.responses import IamResponse

    def list_service_specific_credentials(self):
        user_name = self._get_param("UserName")
        if user_name:
            self.backend.get_user(user_name)  # NoSuchEntity, as AWS answers
        return ActionResult({"ServiceSpecificCredentials": []})

    IamResponse.list_service_specific_credentials = list_service_specific_credentials


iam_lists_service_specific_credentials()


def moto_modules_listed_once():
    """To match a request's host to a service, moto 5.2.5 lists its own package directory and
    stats every entry, on every request: about 35 ms of CPU a request here, more than most
    answers take (a profile of the reference stack's test, INFRA_MOTO_PROFILE). The list does
    not change while the server runs, so it is read once. Nothing AWS does is changed."""
    import moto.backends

    modules = list(moto.backends.list_of_moto_modules())
    moto.backends.list_of_moto_modules = lambda: modules


moto_modules_listed_once()


def each_request_chooses_its_own_fields():
    """An answer's optional fields are chosen by the request: DescribeClusters and
    DescribeServices return tags only with `include=TAGS`, DescribeKeyPairs the public key only
    with `IncludePublicKey`. moto 5.2.5 records the choice in RESPONSE_KEY_PATH_TO_TRANSFORMER, a
    dict of the response *class*, so two requests served at once share it: a DescribeClusters
    with TAGS answered while another without TAGS was being parsed lost its tags (an ECS
    cluster's tags read back empty in a CI run; 3 in 1,000 with nine threads asking at once).
    AWS answers each request as it asked, so each request (a new response object, moto's
    dispatch) gets its own copy of the dict."""
    from moto.core.responses import BaseResponse

    original = BaseResponse.__init__

    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.RESPONSE_KEY_PATH_TO_TRANSFORMER = dict(type(self).RESPONSE_KEY_PATH_TO_TRANSFORMER)

    BaseResponse.__init__ = __init__


each_request_chooses_its_own_fields()


def ecs_tasks_that_never_start():
    """With MOTO_ECS_TASKS_NEVER_START=1, no task of a service ever runs, as on AWS when an
    image cannot be pulled: UpdateService leaves the running count at 0. moto 5.2.5 makes the
    running count the desired count on every update (MOTO_ECS_SERVICE_RUNNING counts at create
    only), so without this a health gate's "tasks running" check could never fail. Only the
    test of that gate sets it."""
    if os.environ.get("MOTO_ECS_TASKS_NEVER_START") != "1":
        return
    from moto.ecs.models import EC2ContainerServiceBackend

    update_service = EC2ContainerServiceBackend.update_service

    def update_service_without_tasks(self, service_properties):
        service = update_service(self, service_properties)
        service.running_count = 0
        service.pending_count = service.desired_count
        return service

    EC2ContainerServiceBackend.update_service = update_service_without_tasks



def ecs_services_report_execute_command_and_managed_tags():
    """DescribeServices reports a service's `enableExecuteCommand` and `enableECSManagedTags`,
    false unless CreateService or UpdateService set them, as AWS does. moto 5.2.5 drops both at
    CreateService (its UpdateService keeps them), so a service created with ECS Exec read back
    without it, and terraform-aws-modules/ecs, which turns both on, never planned clean."""
    from moto.ecs.models import Service
    from moto.ecs.responses import EC2ContainerServiceResponse

    init = Service.__init__

    def service_init(self, *args, **kwargs):
        init(self, *args, **kwargs)
        self.enable_execute_command = False
        self.enable_ecs_managed_tags = False

    Service.__init__ = service_init
    create_service = EC2ContainerServiceResponse.create_service

    def create_service_with_flags(self):
        result = create_service(self)
        service = self.ecs_backend._get_service(
            self._get_param("cluster", "default"), self._get_param("serviceName")
        )
        service.enable_execute_command = bool(self._get_param("enableExecuteCommand", False))
        service.enable_ecs_managed_tags = bool(self._get_param("enableECSManagedTags", False))
        return result

    EC2ContainerServiceResponse.create_service = create_service_with_flags


ecs_services_report_execute_command_and_managed_tags()


def acm_issues_only_validated_certificates():
    """ACM issues a DNS-validated certificate once each of its domains' validation CNAME is
    published. With MOTO_ACM_VALIDATION_WAIT, moto 5.2.5 issues it after that many seconds
    whether or not the record exists. Here the wait still applies, and the certificate stays
    PENDING_VALIDATION until every validation record (the name and value moto's
    DomainValidationOptions give) is in a public Route 53 hosted zone of the account."""
    from moto.acm.models import CertBundle
    from moto.route53.models import route53_backends

    def published(account_id):
        found = set()
        for backend in route53_backends[account_id].values():
            for zone in backend.zones.values():
                if zone.private_zone:
                    continue
                for record in zone.rrsets:
                    if record.type == "CNAME":
                        for value in record.records:
                            found.add((record.name.rstrip(".").lower(), str(value).rstrip(".").lower()))
        return found

    def validated(cert):
        records = published(cert.arn.split(":")[4])
        for san in set(cert.sans + ([cert.common_name] if cert.common_name else [])):
            domain = san[2:] if san.startswith("*.") else san
            # The record moto's describe() gives for every domain.
            wanted = (f"_d930b28be6c5927595552b219965053e.{domain}".lower(),
                      "_c9edd76ee4a0e2a74388032f3861cc50.ykybfrwcxw.acm-validations.aws")
            if wanted not in records:
                return False
        return True

    check = CertBundle.check

    def check_records(self):
        pending = self.type == "AMAZON_ISSUED" and self.status == "PENDING_VALIDATION"
        check(self)
        if pending and self.status == "ISSUED" and not validated(self):
            self.status = "PENDING_VALIDATION"

    CertBundle.check = check_records


acm_issues_only_validated_certificates()

def cognito_user_pools_keep_and_change_tags():
    """A Cognito user pool's tags change with TagResource and UntagResource on its ARN, and
    ListTagsForResource lists them; an UpdateUserPool that does not name `UserPoolTags` keeps
    them (it resets the settings it leaves out, not the tags), nor does it touch what only
    CreateUserPool sets (`UsernameAttributes`, `AliasAttributes`, `UsernameConfiguration`).
    moto 5.2.5 implements none of the three calls for Cognito, and its UpdateUserPool drops the
    tags and those settings with the others it was not given."""
    from moto.cognitoidp.exceptions import ResourceNotFoundError
    from moto.cognitoidp.models import CognitoIdpUserPool
    from moto.cognitoidp.responses import CognitoIdpResponse
    from moto.core.responses import ActionResult, EmptyResult

    def pool_of(response):
        arn = response._get_param("ResourceArn")
        for pool in response.backend.user_pools.values():
            if pool.arn == arn:
                return pool
        raise ResourceNotFoundError(arn)

    def tag_resource(self):
        pool = pool_of(self)
        tags = dict(pool.extended_config.get("UserPoolTags") or {})
        tags.update(self._get_param("Tags") or {})
        pool.extended_config["UserPoolTags"] = tags
        return EmptyResult()

    def untag_resource(self):
        pool = pool_of(self)
        removed = set(self._get_param("TagKeys") or [])
        tags = pool.extended_config.get("UserPoolTags") or {}
        pool.extended_config["UserPoolTags"] = {k: v for k, v in tags.items() if k not in removed}
        return EmptyResult()

    def list_tags_for_resource(self):
        return ActionResult({"Tags": pool_of(self).extended_config.get("UserPoolTags") or {}})

    update_extended_config = CognitoIdpUserPool.update_extended_config

    def keeps_tags(self, extended_config):
        before = getattr(self, "extended_config", {})
        kept = {key: before[key] for key in ("UserPoolTags", "UsernameAttributes",
                                              "AliasAttributes", "UsernameConfiguration")
                if key in before and key not in (extended_config or {})}
        update_extended_config(self, extended_config)
        self.extended_config.update(kept)

    CognitoIdpResponse.tag_resource = tag_resource
    CognitoIdpResponse.untag_resource = untag_resource
    CognitoIdpResponse.list_tags_for_resource = list_tags_for_resource
    CognitoIdpUserPool.update_extended_config = keeps_tags


cognito_user_pools_keep_and_change_tags()


def cognito_user_pool_domains_as_aws_describes():
    """DescribeUserPoolDomain reports the account's ID, the custom domain's certificate
    (`CustomDomainConfig`) and the managed login version (`ManagedLoginVersion`, 1 when the
    create gave none), and UpdateUserPoolDomain changes the version, and the certificate only
    when it names one. moto 5.2.5 answers a new random UUID as the account ID on every call,
    leaves out the certificate and the version, ignores an update's version and drops the
    certificate of an update that names none."""
    from moto.cognitoidp.exceptions import ResourceNotFoundError
    from moto.cognitoidp.models import CognitoIdpUserPoolDomain
    from moto.cognitoidp.responses import CognitoIdpResponse
    from moto.core.responses import ActionResult

    to_json = CognitoIdpUserPoolDomain.to_json

    def described(self, extended=True):
        answer = to_json(self, extended)
        answer["ManagedLoginVersion"] = getattr(self, "managed_login_version", 1)
        if extended:
            answer["AWSAccountId"] = getattr(self, "account_id", answer["AWSAccountId"])
            if self.custom_domain_config:
                answer["CustomDomainConfig"] = self.custom_domain_config
        return answer

    create = CognitoIdpResponse.create_user_pool_domain

    def create_user_pool_domain(self):
        answer = create(self)
        made = self.backend.user_pool_domains[self._get_param("Domain")]
        made.account_id = self.current_account
        made.managed_login_version = self._get_param("ManagedLoginVersion") or 1
        return answer

    def update_user_pool_domain(self):
        name = self._get_param("Domain")
        domain = self.backend.user_pool_domains.get(name)
        if domain is None:
            raise ResourceNotFoundError(name)
        if self._get_param("CustomDomainConfig") is not None:
            domain.custom_domain_config = self._get_param("CustomDomainConfig")
        if self._get_param("ManagedLoginVersion") is not None:
            domain.managed_login_version = self._get_param("ManagedLoginVersion")
        return ActionResult(domain.to_json(extended=False))

    CognitoIdpUserPoolDomain.to_json = described
    CognitoIdpResponse.create_user_pool_domain = create_user_pool_domain
    CognitoIdpResponse.update_user_pool_domain = update_user_pool_domain


cognito_user_pool_domains_as_aws_describes()

# Services whose gaps need more than a few lines have a module each beside this file; each
# module's docstring says what moto lacks there and what its patch() adds.
import moto_appautoscaling, moto_codebuild, moto_codecommit, moto_codedeploy, moto_codepipeline, moto_lambda

moto_appautoscaling.patch()
moto_codebuild.patch()
moto_codecommit.patch()
moto_codedeploy.patch()
moto_codepipeline.patch()
moto_lambda.patch()

PREFIX = "/service/GraniteServiceVersion20100801/operation/"
MODEL = botocore.session.get_session().get_service_model("cloudwatch")
MOTO = DomainDispatcherApplication(create_backend_app)
MOTO.debug = True

def plain(value):
    if isinstance(value, datetime.datetime):
        return value.timestamp()
    raise TypeError(repr(value))

def cbor(value, shape):
    out = bytearray()
    RpcV2CBORSerializer()._serialize_data_item(out, value, shape)
    return bytes(out)

def cbor_error(code, message):
    out = bytearray(b"\xa2")
    serializer = RpcV2CBORSerializer()
    for text in ("__type", code, "message", message):
        serializer._serialize_type_string(out, text, None, None)
    return bytes(out)

# S3 answers' root elements, as AWS names them, by the query parameter of the GET.
S3_ROOTS = {
    "versioning": (b"GetBucketVersioningResponse", b"VersioningConfiguration"),
    "accelerate": (b"GetBucketAccelerateConfigurationResponse", b"AccelerateConfiguration"),
}


def s3_roots(environ, start_response, query):
    """S3 answers GetBucketVersioning with a `VersioningConfiguration` root element and
    GetBucketAccelerateConfiguration with an `AccelerateConfiguration` one; moto 5.2.5 names
    them `GetBucketVersioningResponse` and `GetBucketAccelerateConfigurationResponse`. botocore
    does not check the root's name, the AWS SDK for Rust does, so the answer is renamed to
    AWS's."""
    answer = {}

    def capture(status, headers, exc_info=None):
        answer["status"], answer["headers"] = status, headers
        return lambda data: None

    chunks = MOTO(environ, capture)
    body = b"".join(chunks)
    if hasattr(chunks, "close"):
        chunks.close()
    body = body.replace(*S3_ROOTS[query])
    headers = [(k, v) for k, v in answer.get("headers", []) if k.lower() != "content-length"]
    start_response(answer.get("status", "500 INTERNAL SERVER ERROR"),
                   headers + [("Content-Length", str(len(body)))])
    return [body]


def app(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if environ.get("REQUEST_METHOD") == "GET" and "s3" in environ.get("HTTP_AUTHORIZATION", ""):
        query = set(environ.get("QUERY_STRING", "").split("&"))
        for name in S3_ROOTS:
            if name in query or f"{name}=" in query:
                return s3_roots(environ, start_response, name)
    if not path.startswith(PREFIX):
        return MOTO(environ, start_response)
    operation = MODEL.operation_model(path[len(PREFIX):])
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    if environ.get("HTTP_CONTENT_ENCODING", "") == "gzip":
        body = gzip.decompress(body)
    parser = BaseCBORParser()
    params = parser.parse_data_item(parser.get_peekable_stream_from_bytes(body)) if body else {}
    payload = json.dumps(params, default=plain).encode()
    forwarded = dict(environ)
    forwarded.pop("HTTP_CONTENT_ENCODING", None)
    forwarded.pop("HTTP_SMITHY_PROTOCOL", None)
    forwarded.update({
        "PATH_INFO": "/", "QUERY_STRING": "", "REQUEST_METHOD": "POST",
        "CONTENT_TYPE": "application/x-amz-json-1.0", "CONTENT_LENGTH": str(len(payload)),
        "HTTP_X_AMZ_TARGET": "GraniteServiceVersion20100801." + operation.name,
        "wsgi.input": io.BytesIO(payload),
    })
    answer = {}
    def capture(status, headers, exc_info=None):
        answer["status"] = status
        return lambda data: None
    chunks = MOTO(forwarded, capture)
    text = b"".join(chunks)
    if hasattr(chunks, "close"):
        chunks.close()
    status = answer.get("status", "500 INTERNAL SERVER ERROR")
    if status.startswith("2"):
        if operation.output_shape is None:
            data = b"\xa0"
        else:
            parsed = JSONParser().parse({"body": text, "headers": {}, "status_code": 200}, operation.output_shape)
            parsed.pop("ResponseMetadata", None)
            data = cbor(parsed, operation.output_shape)
    else:
        try:
            error = json.loads(text)
        except ValueError:
            error = {"__type": "InternalFailure", "message": text.decode(errors="replace")}
        code = str(error.get("__type", "InternalFailure")).split("#")[-1]
        data = cbor_error(code, str(error.get("message", error.get("Message", ""))))
    start_response(status, [("Content-Type", "application/cbor"), ("smithy-protocol", "rpc-v2-cbor"), ("Content-Length", str(len(data)))])
    return [data]

def exit_with_parent(parent):
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def listen(port):
    """The server on 127.0.0.1:`port` (0: any free port). The patches that read the environment
    are applied here, once the server's environment is final (tests/support/moto_forkserver.py
    imports this module before it sets each emulator's environment)."""
    ecs_tasks_that_never_start()
    return make_server("127.0.0.1", port, app, threaded=True, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    threading.Thread(target=exit_with_parent, args=(os.getppid(),), daemon=True).start()
    server = listen(int(sys.argv[1]))
    if len(sys.argv) > 2:
        with open(sys.argv[2] + ".tmp", "w") as port_file:
            port_file.write(str(server.server_port))
        os.replace(sys.argv[2] + ".tmp", sys.argv[2])
    server.serve_forever()
