"""Lambda in moto 5.2.5 without Docker, so Secrets Manager rotation can run, and with code
signing configurations that can be attached and detached.

moto's RotateSecret with a `RotationLambdaARN` looks the function up and invokes it once per
rotation step (createSecret, setSecret, testSecret, finishSecret; testSecret only with
`RotateImmediately = false`). moto's default Lambda backend runs an invoke in a Docker
container, which the test machines do not have, so the invoke (and the RotateSecret) fails.

moto's documented switch `{"lambda": {"use_docker": False}}` makes `moto.awslambda.utils.
get_backend` answer with `moto.awslambda_simple`'s backend instead: the same Lambda model
(CreateFunction, GetFunction, AddPermission, ... all behave as before) whose Invoke returns
the request body without running any code. Both Lambda's own API (`LambdaResponse.backend`)
and Secrets Manager's rotation go through `get_backend`, so they see the same functions.

`patch()` sets the switch for the whole server; call it before serving the first request (a
function created under one backend is not seen by the other).
"""


def patch():
    # moto is imported here, not at the top: moto_server.py sets moto's environment first.
    # `moto.core.models` imports this same dict, and `mock_aws()` copies it as its default.
    from moto.core.config import default_user_config

    default_user_config.setdefault("lambda", {})["use_docker"] = False

    lambda_code_signing_config()
    lambda_durable_executions()


def lambda_code_signing_config():
    """PutFunctionCodeSigningConfig and DeleteFunctionCodeSigningConfig attach and detach a
    function's code signing configuration, which GetFunctionCodeSigningConfig then reports;
    moto 5.2.5 only keeps the ARN given to CreateFunction."""
    import json
    from urllib.parse import unquote
    from moto.awslambda.responses import LambdaResponse

    def put_function_code_signing_config(self):
        function = self.backend.get_function(unquote(self.path.rsplit("/", 2)[-2]))
        function.code_signing_config_arn = self.json_body.get("CodeSigningConfigArn")
        return 200, {}, json.dumps(function.get_function_code_signing_config())

    def delete_function_code_signing_config(self):
        function = self.backend.get_function(unquote(self.path.rsplit("/", 2)[-2]))
        function.code_signing_config_arn = None
        return 204, {"status": 204}, ""

    LambdaResponse.put_function_code_signing_config = put_function_code_signing_config
    LambdaResponse.delete_function_code_signing_config = delete_function_code_signing_config


def lambda_durable_executions():
    """ListDurableExecutionsByFunction answers, with no executions (moto runs no code), so a
    function with `durable_config` can be destroyed. moto 5.2.5 does not route it (404)."""
    import json
    from urllib.parse import unquote
    from moto.awslambda import urls
    from moto.awslambda.responses import LambdaResponse

    route = r"{0}/(?P<api_version>[^/]+)/functions/(?P<function_name>[\w_:%-]+)/durable-executions/?$"
    urls.url_paths.setdefault(route, LambdaResponse.dispatch)

    def list_durable_executions_by_function(self):
        # ResourceNotFoundException for an unknown function, as AWS answers.
        self.backend.get_function(unquote(self.path.rstrip("/").rsplit("/", 2)[-2]))
        return 200, {}, json.dumps({"DurableExecutions": []})

    LambdaResponse.list_durable_executions_by_function = list_durable_executions_by_function

