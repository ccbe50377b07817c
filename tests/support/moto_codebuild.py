"""CodeBuild projects in moto 5.2.5, made to answer as AWS does for `aws_codebuild_project`.

moto 5.2.5 implements CreateProject, BatchGetProjects and DeleteProject, but:
- has no UpdateProject and no UpdateProjectVisibility;
- drops from CreateProject what it does not model: `secondarySources`,
  `secondarySourceVersions`, `secondaryArtifacts`, `badgeEnabled` (the badge always reads
  disabled), `fileSystemLocations`, `buildBatchConfig`, `concurrentBuildLimit`,
  `autoRetryLimit`, and a given `encryptionKey` (it always reports the `aws/s3` alias);
- reports a timeout of 0 where AWS applies its defaults (60 and 480 minutes), and no
  `projectVisibility` (AWS: PRIVATE);
- leaves `projectsNotFound` out of BatchGetProjects.

`patch()` adds the two operations and fills those gaps. Each project's answer stays the dict
moto keeps (`project_metadata`), so ListProjects, StartBuild and DeleteProject see the same
project.
"""
import datetime
import uuid


# CreateProject / UpdateProject members kept as given, under the same name in the project.
_PLAIN_MEMBERS = (
    "description",
    "source",
    "secondarySources",
    "sourceVersion",
    "secondarySourceVersions",
    "artifacts",
    "secondaryArtifacts",
    "cache",
    "environment",
    "serviceRole",
    "timeoutInMinutes",
    "queuedTimeoutInMinutes",
    "encryptionKey",
    "logsConfig",
    "fileSystemLocations",
    "autoRetryLimit",
)


def _badge(region, project_name, enabled):
    """The project's badge as AWS reports it: a request URL only while the badge is enabled."""
    badge = {"badgeEnabled": bool(enabled)}
    if enabled:
        badge["badgeRequestUrl"] = (
            f"https://codebuild.{region}.amazonaws.com/badges"
            f"?uuid={uuid.uuid4()}&branch=main"
        )
    return badge


def _apply(metadata, params, region, creating):
    """Writes the given CreateProject / UpdateProject members into the project's answer."""
    for member in _PLAIN_MEMBERS:
        if member in params and params[member] is not None:
            metadata[member] = params[member]
    # An emptied description, source version or encryption key is no longer reported.
    for member in ("description", "sourceVersion", "encryptionKey"):
        if metadata.get(member) == "":
            metadata.pop(member, None)
    if "tags" in params and params["tags"] is not None:
        metadata["tags"] = params["tags"]
    if "badgeEnabled" in params and params["badgeEnabled"] is not None:
        metadata["badge"] = _badge(region, metadata["name"], params["badgeEnabled"])
    # An empty VPC configuration or batch configuration removes it (what UpdateProject is sent
    # to clear one), as does a concurrent build limit of -1.
    if "vpcConfig" in params and params["vpcConfig"] is not None:
        if params["vpcConfig"].get("vpcId"):
            metadata["vpcConfig"] = params["vpcConfig"]
        else:
            metadata.pop("vpcConfig", None)
    if "buildBatchConfig" in params and params["buildBatchConfig"] is not None:
        if params["buildBatchConfig"].get("serviceRole"):
            metadata["buildBatchConfig"] = params["buildBatchConfig"]
        else:
            metadata.pop("buildBatchConfig", None)
    if "concurrentBuildLimit" in params and params["concurrentBuildLimit"] is not None:
        if params["concurrentBuildLimit"] == -1:
            metadata.pop("concurrentBuildLimit", None)
        else:
            metadata["concurrentBuildLimit"] = params["concurrentBuildLimit"]
    for member in ("secondarySources", "secondarySourceVersions", "secondaryArtifacts",
                   "fileSystemLocations"):
        if metadata.get(member) == []:
            metadata.pop(member, None)
    if creating:
        # AWS's defaults for what CreateProject was not given.
        if not metadata.get("timeoutInMinutes"):
            metadata["timeoutInMinutes"] = 60
        if not metadata.get("queuedTimeoutInMinutes"):
            metadata["queuedTimeoutInMinutes"] = 480
        metadata.setdefault("projectVisibility", "PRIVATE")
        metadata.setdefault("autoRetryLimit", 0)
        if metadata.get("tags") is None:
            metadata["tags"] = []
    metadata["lastModified"] = datetime.datetime.now(datetime.timezone.utc).timestamp()


def patch():
    from moto.codebuild.exceptions import InvalidInputException, ResourceNotFoundException
    from moto.codebuild.models import CodeBuildBackend
    from moto.codebuild.responses import CodeBuildResponse
    from moto.core.responses import ActionResult
    from moto.utilities.utils import get_partition

    def params_of(response):
        return {key: response._get_param(key) for key in (
            _PLAIN_MEMBERS + ("tags", "badgeEnabled", "vpcConfig", "buildBatchConfig",
                              "concurrentBuildLimit"))}

    def project_named(backend, name_or_arn):
        if name_or_arn in backend.codebuild_projects:
            return backend.codebuild_projects[name_or_arn]
        for project in backend.codebuild_projects.values():
            if project.arn == name_or_arn:
                return project
        return None

    def update_project(self, name, params):
        project = project_named(self, name)
        if project is None:
            raise ResourceNotFoundException(
                f"Failed to find project: arn:{get_partition(self.region_name)}:codebuild:"
                f"{self.region_name}:{self.account_id}:project/{name}"
            )
        _apply(project.project_metadata, params, self.region_name, creating=False)
        if params.get("serviceRole"):
            project.service_role = params["serviceRole"]
        if params.get("tags") is not None:
            project.tags = params["tags"]
        return project.project_metadata

    def update_project_visibility(self, project_arn, visibility, resource_access_role):
        project = project_named(self, project_arn)
        if project is None:
            raise ResourceNotFoundException(f"Failed to find project: {project_arn}")
        metadata = project.project_metadata
        metadata["projectVisibility"] = visibility
        if visibility == "PUBLIC_READ":
            metadata.setdefault("publicProjectAlias", str(uuid.uuid4()))
        else:
            metadata.pop("publicProjectAlias", None)
        if resource_access_role:
            metadata["resourceAccessRole"] = resource_access_role
        else:
            metadata.pop("resourceAccessRole", None)
        return metadata

    CodeBuildBackend.update_project = update_project
    CodeBuildBackend.update_project_visibility = update_project_visibility

    original_create = CodeBuildResponse.create_project

    def create_project(self):
        original_create(self)
        metadata = self.codebuild_backend.codebuild_projects[self._get_param("name")].project_metadata
        _apply(metadata, params_of(self), self.region, creating=True)
        return ActionResult({"project": metadata})

    def update_project_response(self):
        name = self._get_param("name")
        if not name:
            raise InvalidInputException("Project name is required")
        metadata = self.codebuild_backend.update_project(name, params_of(self))
        return ActionResult({"project": metadata})

    def update_project_visibility_response(self):
        metadata = self.codebuild_backend.update_project_visibility(
            self._get_param("projectArn"),
            self._get_param("projectVisibility"),
            self._get_param("resourceAccessRole"),
        )
        answer = {"projectArn": metadata["arn"], "projectVisibility": metadata["projectVisibility"]}
        if "publicProjectAlias" in metadata:
            answer["publicProjectAlias"] = metadata["publicProjectAlias"]
        return ActionResult(answer)

    def batch_get_projects(self):
        names = self._get_param("names") or []
        found, missing = [], []
        for name in names:
            project = project_named(self.codebuild_backend, name)
            if project is None:
                missing.append(name)
            else:
                found.append(project.project_metadata)
        return ActionResult({"projects": found, "projectsNotFound": missing})

    CodeBuildResponse.create_project = create_project
    CodeBuildResponse.update_project = update_project_response
    CodeBuildResponse.update_project_visibility = update_project_visibility_response
    CodeBuildResponse.batch_get_projects = batch_get_projects
