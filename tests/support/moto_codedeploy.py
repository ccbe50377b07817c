"""CodeDeploy operations moto 5.2.5 lacks, as AWS answers them, for `aws_codedeploy_app` and
`aws_codedeploy_deployment_group`.

moto 5.2.5 implements CreateApplication, CreateDeploymentGroup, GetApplication,
GetDeploymentGroup, BatchGetApplications and the tag operations, but not:

- DeleteApplication: deletes the application with its deployment groups and their tags. AWS
  answers success for an application that does not exist.
- DeleteDeploymentGroup: deletes one group and its tags; success (no hooks left) for a group
  that does not exist.
- UpdateApplication: renames an application (`newApplicationName`); its deployment groups and
  tags go with it. ApplicationDoesNotExistException for an unknown application,
  ApplicationAlreadyExistsException for a name that is taken.
- UpdateDeploymentGroup: replaces each setting that is sent, renames the group
  (`newDeploymentGroupName`, tags follow). ApplicationDoesNotExistException,
  DeploymentGroupDoesNotExistException, DeploymentGroupAlreadyExistsException as AWS.
- BatchGetDeploymentGroups: the groups of one application that exist; the others are named in
  `errorMessage`. ApplicationDoesNotExistException for an unknown application.

It also makes GetDeploymentGroup (and BatchGetDeploymentGroups) return the group's
`alarmConfiguration`, which moto 5.2.5 answers as `{}` whatever was set, and its
`autoScalingGroups` as `{"name": ...}` structures (moto answers each as `{}`).

Usage: `import moto_codedeploy; moto_codedeploy.patch()` before the server takes requests (or
inside `mock_aws`, in-process).
"""


def patch():
    from moto.codedeploy import responses
    from moto.codedeploy.exceptions import (
        ApplicationAlreadyExistsException,
        ApplicationNameRequiredException,
        DeploymentGroupAlreadyExistsException,
        DeploymentGroupNameRequiredException,
    )
    from moto.codedeploy.models import CodeDeployBackend
    from moto.codedeploy.responses import CodeDeployResponse
    from moto.core.responses import ActionResult, EmptyResult

    original_info = responses._deployment_group_info

    def deployment_group_info(group):
        """moto's answer, with the alarm configuration the group holds (moto sends `{}`) and
        its Auto Scaling groups as AWS answers them, `{"name": ...}` (moto sends the names it
        was given where structures belong, which come out empty)."""
        info = original_info(group)
        info["autoScalingGroups"] = [
            {"name": name} if isinstance(name, str) else name
            for name in group.auto_scaling_groups or []
        ]
        alarms = group.alarm_configuration
        if isinstance(alarms, dict):
            info["alarmConfiguration"] = {
                "enabled": bool(alarms.get("enabled", False)),
                "ignorePollAlarmFailure": bool(alarms.get("ignorePollAlarmFailure", False)),
                "alarms": [{"name": a.get("name")} for a in alarms.get("alarms") or []],
            }
        else:
            info["alarmConfiguration"] = {
                "enabled": False,
                "ignorePollAlarmFailure": False,
                "alarms": [],
            }
        return info

    # The response methods look the function up in the module at call time.
    responses._deployment_group_info = deployment_group_info

    def move_tags(backend, old_arn, new_arn):
        if old_arn == new_arn:
            return
        tags = backend.tagger.tags.pop(old_arn, None)
        if tags is not None:
            backend.tagger.tags[new_arn] = tags

    # --- backend -------------------------------------------------------------------------

    def delete_application(self, application_name):
        if not application_name:
            raise ApplicationNameRequiredException("The application name was not specified.")
        if application_name not in self.applications:
            return
        for group_name in list(self.deployment_groups.get(application_name, {})):
            self.tagger.delete_all_tags_for_resource(
                self._deployment_group_arn(application_name, group_name)
            )
        self.deployment_groups.pop(application_name, None)
        self.tagger.delete_all_tags_for_resource(self._application_arn(application_name))
        del self.applications[application_name]

    def delete_deployment_group(self, application_name, deployment_group_name):
        if not application_name:
            raise ApplicationNameRequiredException("The application name was not specified.")
        if not deployment_group_name:
            raise DeploymentGroupNameRequiredException(
                "The deployment group name was not specified."
            )
        groups = self.deployment_groups.get(application_name, {})
        if deployment_group_name in groups:
            del groups[deployment_group_name]
            self.tagger.delete_all_tags_for_resource(
                self._deployment_group_arn(application_name, deployment_group_name)
            )

    def update_application(self, application_name, new_application_name):
        application = self.get_application(application_name)
        if not new_application_name or new_application_name == application_name:
            return
        if new_application_name in self.applications:
            raise ApplicationAlreadyExistsException(
                f"The application {new_application_name} already exists with the user or AWS account."
            )
        del self.applications[application_name]
        application.application_name = new_application_name
        self.applications[new_application_name] = application
        move_tags(
            self,
            self._application_arn(application_name),
            self._application_arn(new_application_name),
        )
        groups = self.deployment_groups.pop(application_name, None)
        if groups is not None:
            self.deployment_groups[new_application_name] = groups
            for group_name in groups:
                move_tags(
                    self,
                    self._deployment_group_arn(application_name, group_name),
                    self._deployment_group_arn(new_application_name, group_name),
                )

    # The settings UpdateDeploymentGroup replaces when they are sent: request member, then
    # the attribute moto keeps it in.
    settings = [
        ("deploymentConfigName", "deployment_config_name"),
        ("ec2TagFilters", "ec2_tag_filters"),
        ("onPremisesInstanceTagFilters", "on_premises_instance_tag_filters"),
        ("autoScalingGroups", "auto_scaling_groups"),
        ("serviceRoleArn", "service_role_arn"),
        ("triggerConfigurations", "trigger_configurations"),
        ("alarmConfiguration", "alarm_configuration"),
        ("autoRollbackConfiguration", "auto_rollback_configuration"),
        ("outdatedInstancesStrategy", "outdated_instances_strategy"),
        ("deploymentStyle", "deployment_style"),
        ("blueGreenDeploymentConfiguration", "blue_green_deployment_configuration"),
        ("loadBalancerInfo", "load_balancer_info"),
        ("ec2TagSet", "ec2_tag_set"),
        ("ecsServices", "ecs_services"),
        ("onPremisesTagSet", "on_premises_tag_set"),
        ("terminationHookEnabled", "termination_hook_enabled"),
    ]

    def update_deployment_group(self, application_name, current_name, new_name, changes):
        group = self.get_deployment_group(application_name, current_name)
        groups = self.deployment_groups[application_name]
        if new_name and new_name != current_name:
            if new_name in groups:
                raise DeploymentGroupAlreadyExistsException(
                    f"Deployment group {new_name} already exists."
                )
            del groups[current_name]
            group.deployment_group_name = new_name
            groups[new_name] = group
            move_tags(
                self,
                self._deployment_group_arn(application_name, current_name),
                self._deployment_group_arn(application_name, new_name),
            )
        for member, attribute in settings:
            if member in changes and changes[member] is not None:
                setattr(group, attribute, changes[member])

    def batch_get_deployment_groups(self, application_name, deployment_group_names):
        self.get_application(application_name)
        groups = self.deployment_groups.get(application_name, {})
        found = [groups[name] for name in deployment_group_names if name in groups]
        missing = [name for name in deployment_group_names if name not in groups]
        return found, missing

    CodeDeployBackend.delete_application = delete_application
    CodeDeployBackend.delete_deployment_group = delete_deployment_group
    CodeDeployBackend.update_application = update_application
    CodeDeployBackend.update_deployment_group = update_deployment_group
    CodeDeployBackend.batch_get_deployment_groups = batch_get_deployment_groups

    # --- responses -----------------------------------------------------------------------

    def delete_application_response(self):
        self.codedeploy_backend.delete_application(self._get_param("applicationName"))
        return EmptyResult()

    def delete_deployment_group_response(self):
        self.codedeploy_backend.delete_deployment_group(
            self._get_param("applicationName"), self._get_param("deploymentGroupName")
        )
        return ActionResult({"hooksNotCleanedUp": []})

    def update_application_response(self):
        self.codedeploy_backend.update_application(
            self._get_param("applicationName"), self._get_param("newApplicationName")
        )
        return EmptyResult()

    def update_deployment_group_response(self):
        # A member that is not sent reads as None and keeps the group's setting.
        changes = {member: self._get_param(member) for member, _ in settings}
        self.codedeploy_backend.update_deployment_group(
            self._get_param("applicationName"),
            self._get_param("currentDeploymentGroupName"),
            self._get_param("newDeploymentGroupName"),
            changes,
        )
        return ActionResult({"hooksNotCleanedUp": []})

    def batch_get_deployment_groups_response(self):
        names = self._get_param("deploymentGroupNames") or []
        found, missing = self.codedeploy_backend.batch_get_deployment_groups(
            self._get_param("applicationName"), names
        )
        result = {"deploymentGroupsInfo": [responses._deployment_group_info(g) for g in found]}
        if missing:
            result["errorMessage"] = (
                "Deployment groups not found: " + ", ".join(missing)
            )
        return ActionResult(result)

    CodeDeployResponse.delete_application = delete_application_response
    CodeDeployResponse.delete_deployment_group = delete_deployment_group_response
    CodeDeployResponse.update_application = update_application_response
    CodeDeployResponse.update_deployment_group = update_deployment_group_response
    CodeDeployResponse.batch_get_deployment_groups = batch_get_deployment_groups_response
