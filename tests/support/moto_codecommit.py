"""CodeCommit repositories in moto 5.2.5, made to answer as AWS does for
`aws_codecommit_repository`.

moto 5.2.5 implements CreateRepository, GetRepository and DeleteRepository only. It ignores
CreateRepository's `tags` and `kmsKeyId` (and reports no `kmsKeyId`; AWS reports the key that
encrypts the repository, the `aws/codecommit` key by default), and has no BatchGetRepositories,
UpdateRepositoryName, UpdateRepositoryDescription, UpdateRepositoryEncryptionKey, ListBranches,
UpdateDefaultBranch, TagResource, UntagResource or ListTagsForResource.

`patch()` adds them. moto's repositories have no commits, so ListBranches answers no branches
and UpdateDefaultBranch refuses every branch name (BranchDoesNotExistException), as AWS does
for an empty repository. Tags are kept on the repository and follow it through a rename (its
ARN changes with its name).
"""
import json


def patch():
    # moto is imported here, not at the top: moto_server.py sets moto's environment first.
    from moto.core.exceptions import JsonRESTError
    from moto.core.utils import iso_8601_datetime_with_milliseconds
    from moto.codecommit.exceptions import (
        InvalidRepositoryNameException,
        RepositoryDoesNotExistException,
        RepositoryNameExistsException,
    )
    from moto.codecommit.models import CodeCommitBackend
    from moto.codecommit.responses import CodeCommitResponse, _is_repository_name_valid
    from moto.utilities.utils import get_partition

    class BranchDoesNotExistException(JsonRESTError):
        code = 400

        def __init__(self, branch):
            super().__init__(
                "BranchDoesNotExistException",
                f"Branch {branch} does not exist in the repository.",
            )

    class RepositoryNameRequiredException(JsonRESTError):
        code = 400

        def __init__(self):
            super().__init__(
                "RepositoryNameRequiredException", "A repository name is required."
            )

    def default_key(backend):
        return (
            f"arn:{get_partition(backend.region_name)}:kms:{backend.region_name}:"
            f"{backend.account_id}:alias/aws/codecommit"
        )

    def tags_of(repository):
        if not hasattr(repository, "infra_tags"):
            repository.infra_tags = {}
        return repository.infra_tags

    def touch(repository):
        repository.repository_metadata["lastModifiedDate"] = iso_8601_datetime_with_milliseconds()

    def named(backend, name):
        if not name:
            raise RepositoryNameRequiredException()
        repository = backend.repositories.get(name)
        if repository is None:
            raise RepositoryDoesNotExistException(name)
        return repository

    def by_arn(backend, arn):
        for repository in backend.repositories.values():
            if repository.repository_metadata["Arn"] == arn:
                return repository
        raise RepositoryDoesNotExistException(str(arn).rsplit(":", 1)[-1])

    # Backend operations.

    def rename_repository(self, old_name, new_name):
        repository = named(self, old_name)
        if new_name != old_name and new_name in self.repositories:
            raise RepositoryNameExistsException(new_name)
        metadata = repository.repository_metadata
        region, partition = self.region_name, get_partition(self.region_name)
        metadata["repositoryName"] = new_name
        metadata["cloneUrlSsh"] = f"ssh://git-codecommit.{region}.amazonaws.com/v1/repos/{new_name}"
        metadata["cloneUrlHttp"] = f"https://git-codecommit.{region}.amazonaws.com/v1/repos/{new_name}"
        metadata["Arn"] = f"arn:{partition}:codecommit:{region}:{self.account_id}:{new_name}"
        touch(repository)
        del self.repositories[old_name]
        self.repositories[new_name] = repository

    CodeCommitBackend.rename_repository = rename_repository

    # Responses.

    original_create = CodeCommitResponse.create_repository

    def create_repository(self):
        original_create(self)
        backend = self.codecommit_backend
        repository = backend.repositories[self._get_param("repositoryName")]
        repository.repository_metadata["kmsKeyId"] = self._get_param("kmsKeyId") or default_key(backend)
        tags_of(repository).update(self._get_param("tags") or {})
        return json.dumps({"repositoryMetadata": repository.repository_metadata})

    def batch_get_repositories(self):
        backend = self.codecommit_backend
        found, missing = [], []
        for name in self._get_param("repositoryNames") or []:
            repository = backend.repositories.get(name)
            if repository is None:
                missing.append(name)
            else:
                found.append(repository.repository_metadata)
        return json.dumps({"repositories": found, "repositoriesNotFound": missing, "errors": []})

    def update_repository_name(self):
        old_name, new_name = self._get_param("oldName"), self._get_param("newName")
        if not new_name or not _is_repository_name_valid(new_name) or len(new_name) > 100:
            raise InvalidRepositoryNameException()
        self.codecommit_backend.rename_repository(old_name, new_name)
        return json.dumps({})

    def update_repository_description(self):
        repository = named(self.codecommit_backend, self._get_param("repositoryName"))
        repository.repository_metadata["repositoryDescription"] = self._get_param(
            "repositoryDescription"
        )
        touch(repository)
        return json.dumps({})

    def update_repository_encryption_key(self):
        repository = named(self.codecommit_backend, self._get_param("repositoryName"))
        metadata = repository.repository_metadata
        original = metadata.get("kmsKeyId")
        metadata["kmsKeyId"] = self._get_param("kmsKeyId")
        touch(repository)
        return json.dumps({
            "repositoryId": metadata["repositoryId"],
            "kmsKeyId": metadata["kmsKeyId"],
            "originalKmsKeyId": original,
        })

    def list_branches(self):
        named(self.codecommit_backend, self._get_param("repositoryName"))
        return json.dumps({"branches": []})

    def update_default_branch(self):
        named(self.codecommit_backend, self._get_param("repositoryName"))
        raise BranchDoesNotExistException(self._get_param("defaultBranchName"))

    def tag_resource(self):
        repository = by_arn(self.codecommit_backend, self._get_param("resourceArn"))
        tags_of(repository).update(self._get_param("tags") or {})
        return json.dumps({})

    def untag_resource(self):
        repository = by_arn(self.codecommit_backend, self._get_param("resourceArn"))
        for key in self._get_param("tagKeys") or []:
            tags_of(repository).pop(key, None)
        return json.dumps({})

    def list_tags_for_resource(self):
        repository = by_arn(self.codecommit_backend, self._get_param("resourceArn"))
        return json.dumps({"tags": tags_of(repository)})

    CodeCommitResponse.create_repository = create_repository
    CodeCommitResponse.batch_get_repositories = batch_get_repositories
    CodeCommitResponse.update_repository_name = update_repository_name
    CodeCommitResponse.update_repository_description = update_repository_description
    CodeCommitResponse.update_repository_encryption_key = update_repository_encryption_key
    CodeCommitResponse.list_branches = list_branches
    CodeCommitResponse.update_default_branch = update_default_branch
    CodeCommitResponse.tag_resource = tag_resource
    CodeCommitResponse.untag_resource = untag_resource
    CodeCommitResponse.list_tags_for_resource = list_tags_for_resource
