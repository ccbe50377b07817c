"""Application Auto Scaling predictive scaling policies in moto 5.2.5, made to answer as AWS does
for `aws_appautoscaling_policy` with `policy_type = "PredictiveScaling"`.

AWS accepts PutScalingPolicy with PolicyType `PredictiveScaling` for Amazon ECS services (the
only namespace that supports it), takes the policy from `PredictiveScalingPolicyConfiguration`
and reports it back in DescribeScalingPolicies. moto 5.2.5 refuses the policy type with a
ValidationException (its policy model knows StepScaling and TargetTrackingScaling only), reads
only the step scaling and target tracking configurations, and reports neither for any other
type.

`patch()` makes moto accept `PredictiveScaling`: the configuration is kept on the policy as
sent, with `Mode` reported as `ForecastOnly` when the request leaves it out (AWS's documented
default), and DescribeScalingPolicies reports it. A PredictiveScaling policy outside the `ecs`
namespace, or one without a configuration or with other than one metric specification, is
refused with a ValidationException, as AWS refuses them (the messages are this patch's, not
AWS's). Predictive policies have no CloudWatch alarms, on AWS as here: a policy that becomes
predictive loses the alarms moto made for it.

Only moto's policy model, the response's PutScalingPolicy and the module's policy rendering are
wrapped; the operations moto_server.py's `application_autoscaling_tags` replaces (scalable
target registration and the tag operations) are left as they are.
"""
import copy
import json


def patch():
    # moto is imported here, not at the top: moto_server.py sets moto's environment first.
    from moto.applicationautoscaling import responses
    from moto.applicationautoscaling.exceptions import AWSValidationException
    from moto.applicationautoscaling.models import FakeApplicationAutoscalingPolicy
    from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse

    predictive = "PredictiveScaling"

    # The policy model: moto's own checks and alarms run for the step and target tracking
    # types; a predictive policy is built as a step policy without a body, then retyped.
    original_init = FakeApplicationAutoscalingPolicy.__init__

    def __init__(self, account_id, region_name, policy_name, service_namespace, resource_id,
                 scalable_dimension, policy_type, policy_body):
        if policy_type != predictive:
            original_init(self, account_id, region_name, policy_name, service_namespace,
                          resource_id, scalable_dimension, policy_type, policy_body)
            self.predictive_scaling_policy_configuration = None
            return
        # StepScaling makes no alarms, as a predictive policy makes none.
        original_init(self, account_id, region_name, policy_name, service_namespace,
                      resource_id, scalable_dimension, "StepScaling", None)
        self.step_scaling_policy_configuration = None
        self.target_tracking_scaling_policy_configuration = None
        self.policy_type = predictive
        self._policy_body = policy_body
        self.predictive_scaling_policy_configuration = policy_body

    FakeApplicationAutoscalingPolicy.__init__ = __init__

    # PutScalingPolicy: moto's response reads only the step and target tracking bodies.
    original_put = ApplicationAutoScalingResponse.put_scaling_policy

    def put_scaling_policy(self):
        if self._get_param("PolicyType") != predictive:
            return original_put(self)
        namespace = self._get_param("ServiceNamespace")
        if namespace != "ecs":
            raise AWSValidationException(
                f"PredictiveScaling policies are not supported for service namespace: {namespace}"
            )
        configuration = copy.deepcopy(self._get_param("PredictiveScalingPolicyConfiguration"))
        if not configuration:
            raise AWSValidationException(
                "PredictiveScalingPolicyConfiguration is required for PredictiveScaling policies"
            )
        specifications = configuration.get("MetricSpecifications") or []
        if len(specifications) != 1:
            raise AWSValidationException(
                "PredictiveScalingPolicyConfiguration must have exactly one MetricSpecification"
            )
        configuration.setdefault("Mode", "ForecastOnly")
        backend = self.applicationautoscaling_backend
        name = self._get_param("PolicyName")
        resource_id = self._get_param("ResourceId")
        dimension = self._get_param("ScalableDimension")
        # A target tracking policy turned predictive loses its alarms, as on AWS (moto keeps
        # the replaced policy's alarms).
        key = FakeApplicationAutoscalingPolicy.formulate_key(namespace, resource_id, dimension, name)
        replaced = backend.policies.get(key)
        if replaced is not None:
            replaced.delete_alarms(backend.account_id, backend.region_name)
        policy = backend.put_scaling_policy(
            policy_name=name,
            service_namespace=namespace,
            resource_id=resource_id,
            scalable_dimension=dimension,
            policy_type=predictive,
            policy_body=configuration,
        )
        return json.dumps({"PolicyARN": policy.policy_arn, "Alarms": responses._build_alarms(policy)})

    ApplicationAutoScalingResponse.put_scaling_policy = put_scaling_policy

    # DescribeScalingPolicies renders each policy with the module's `_build_policy`.
    original_build = responses._build_policy

    def build_policy(policy):
        answer = original_build(policy)
        configuration = getattr(policy, "predictive_scaling_policy_configuration", None)
        if policy.policy_type == predictive and configuration is not None:
            answer["PredictiveScalingPolicyConfiguration"] = copy.deepcopy(configuration)
        return answer

    responses._build_policy = build_policy

