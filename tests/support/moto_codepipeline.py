"""CodePipeline webhooks in moto 5.2.5, made to answer as AWS documents them for
`aws_codepipeline_webhook`.

moto 5.2.5 has pipelines but no webhook API: no PutWebhook, ListWebhooks or DeleteWebhook, and
its TagResource, UntagResource and ListTagsForResource take the last part of any ARN as a
pipeline name.

`patch()` adds the three webhook operations and routes the tag operations of a webhook ARN
(`arn:<partition>:codepipeline:<region>:<account>:webhook:<name>`) to the webhook:
- PutWebhook creates the webhook of that name or replaces its definition (the URL and ARN stay;
  the request's tags are added to the webhook's). It answers the webhook as a ListWebhookItem:
  `definition`, `url` (`https://<region>.webhooks.aws/trigger?t=...&v=1`), `arn`, `tags`.
  Errors: PipelineNotFoundException for a target pipeline that does not exist,
  InvalidWebhookAuthenticationParametersException for `GITHUB_HMAC` without `SecretToken` or
  `IP` without `AllowedIPRange`, InvalidTagsException for `aws:` keys.
- ListWebhooks pages with `MaxResults` (1 to 100) and `NextToken`.
- DeleteWebhook succeeds for a webhook already deleted, as the API reference says.
- The secret token is redacted in every answer, as the API reference says ("If a secret token
  was provided, it will be redacted in the response"); it does not say how, and this answers
  `****`.
- TagResource, UntagResource and ListTagsForResource of a webhook ARN act on the webhook:
  ResourceNotFoundException for an unknown webhook, InvalidArnException for a webhook ARN
  without a name.
"""
import json
import uuid

REDACTED = "****"


def patch():
    # moto is imported here, not at the top: moto_server.py sets moto's environment first.
    from moto.core.exceptions import JsonRESTError
    from moto.codepipeline.exceptions import (
        InvalidTagsException,
        PipelineNotFoundException,
        ResourceNotFoundException,
    )
    from moto.codepipeline.models import CodePipelineBackend
    from moto.codepipeline.responses import CodePipelineResponse
    from moto.utilities.utils import get_partition

    class CodePipelineError(JsonRESTError):
        code = 400

        def __init__(self, error, message):
            super().__init__(error, message)

    def webhooks_of(backend):
        if not hasattr(backend, "infra_webhooks"):
            backend.infra_webhooks = {}
        return backend.infra_webhooks

    def check_tags(tags):
        for tag in tags:
            if tag["key"].startswith("aws:"):
                raise InvalidTagsException(
                    "Not allowed to modify system tags. System tags start with 'aws:'."
                )

    def answer(webhook):
        definition = json.loads(json.dumps(webhook["definition"]))
        configuration = definition.get("authenticationConfiguration") or {}
        if configuration.get("SecretToken"):
            configuration["SecretToken"] = REDACTED
        return {
            "definition": definition,
            "url": webhook["url"],
            "arn": webhook["arn"],
            "tags": [{"key": k, "value": v} for k, v in sorted(webhook["tags"].items())],
        }

    def webhook_name(arn):
        """The webhook name of a webhook ARN; None for any other ARN."""
        parts = str(arn).split(":", 5)
        if len(parts) < 6 or not parts[5].startswith("webhook:"):
            return None
        name = parts[5][len("webhook:"):]
        if not name:
            raise CodePipelineError("InvalidArnException", f"The ARN {arn} is not valid.")
        return name

    def webhook_by_arn(backend, arn):
        name = webhook_name(arn)
        webhook = webhooks_of(backend).get(name)
        if webhook is None or webhook["arn"] != arn:
            raise ResourceNotFoundException(
                f"The account with id '{backend.account_id}' does not include a webhook with "
                f"the ARN '{arn}'"
            )
        return webhook

    # Backend operations.

    def put_webhook(self, definition, tags):
        name = definition.get("name")
        if definition.get("targetPipeline") not in self.pipelines:
            raise PipelineNotFoundException(
                f"Pipeline with name '{definition.get('targetPipeline')}' does not exist"
            )
        authentication = definition.get("authentication")
        configuration = definition.get("authenticationConfiguration") or {}
        if (authentication == "GITHUB_HMAC" and not configuration.get("SecretToken")) or (
            authentication == "IP" and not configuration.get("AllowedIPRange")
        ):
            raise CodePipelineError(
                "InvalidWebhookAuthenticationParametersException",
                f"Invalid authentication configuration for {authentication}",
            )
        check_tags(tags)
        webhooks = webhooks_of(self)
        webhook = webhooks.get(name)
        if webhook is None:
            region = self.region_name
            webhook = {
                "url": f"https://{region}.webhooks.aws/trigger?t={uuid.uuid4().hex}&v=1",
                "arn": f"arn:{get_partition(region)}:codepipeline:{region}:{self.account_id}:webhook:{name}",
                "tags": {},
            }
            webhooks[name] = webhook
        webhook["definition"] = definition
        webhook["tags"].update({tag["key"]: tag["value"] for tag in tags})
        return webhook

    CodePipelineBackend.put_webhook = put_webhook

    original_list_tags = CodePipelineBackend.list_tags_for_resource
    original_tag = CodePipelineBackend.tag_resource
    original_untag = CodePipelineBackend.untag_resource

    def list_tags_for_resource(self, arn):
        if webhook_name(arn) is None:
            return original_list_tags(self, arn)
        webhook = webhook_by_arn(self, arn)
        return [{"key": k, "value": v} for k, v in sorted(webhook["tags"].items())]

    def tag_resource(self, arn, tags):
        if webhook_name(arn) is None:
            return original_tag(self, arn, tags)
        webhook = webhook_by_arn(self, arn)
        check_tags(tags)
        webhook["tags"].update({tag["key"]: tag["value"] for tag in tags})

    def untag_resource(self, arn, tag_keys):
        if webhook_name(arn) is None:
            return original_untag(self, arn, tag_keys)
        webhook = webhook_by_arn(self, arn)
        for key in tag_keys:
            webhook["tags"].pop(key, None)

    CodePipelineBackend.list_tags_for_resource = list_tags_for_resource
    CodePipelineBackend.tag_resource = tag_resource
    CodePipelineBackend.untag_resource = untag_resource

    # Responses.

    def put_webhook_response(self):
        webhook = self.codepipeline_backend.put_webhook(
            self._get_param("webhook") or {}, self._get_param("tags") or []
        )
        return json.dumps({"webhook": answer(webhook)})

    def list_webhooks(self):
        webhooks = sorted(
            webhooks_of(self.codepipeline_backend).values(), key=lambda w: w["arn"]
        )
        limit = self._get_param("MaxResults") or 100
        if not 1 <= int(limit) <= 100:
            raise CodePipelineError(
                "ValidationException", "MaxResults must be between 1 and 100"
            )
        token = self._get_param("NextToken")
        try:
            start = int(token) if token else 0
        except ValueError:
            raise CodePipelineError("InvalidNextTokenException", "The next token is not valid.")
        page = webhooks[start:start + int(limit)]
        result = {"webhooks": [answer(w) for w in page]}
        if start + int(limit) < len(webhooks):
            result["NextToken"] = str(start + int(limit))
        return json.dumps(result)

    def delete_webhook(self):
        webhooks_of(self.codepipeline_backend).pop(self._get_param("name"), None)
        return json.dumps({})

    CodePipelineResponse.put_webhook = put_webhook_response
    CodePipelineResponse.list_webhooks = list_webhooks
    CodePipelineResponse.delete_webhook = delete_webhook
