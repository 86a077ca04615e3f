using Server.Contracts;
using Server.Generation;

namespace Server.Errors;

/// <summary>
/// Maps any exception to the status and error object the client sees (api.md §13). Only an exception
/// with no mapping is a 500, and its message is generic: internals never reach the client.
/// </summary>
public static class ErrorMapper
{
    public static ApiException Map(Exception e) => e switch
    {
        ApiException api => api,
        GenerationRejectedException rejected => new RequestValidationException(rejected.Param, rejected.Message),
        ChatRenderException render => new RequestValidationException("messages", $"Chat template error: {render.Message}"),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
            new ApiException(413, "RequestTooLargeError", "Request body too large.", null),
        BadHttpRequestException bad => new ApiException(bad.StatusCode, TypeOf(bad.StatusCode), bad.Message, null),
        _ => new ApiException(500, "InternalServerError", "Internal server error.", null),
    };

    public static ErrorResponse Body(ApiException e) => ErrorResponse.Of(e.Status, e.ErrorType, e.Message, e.Param);

    public static string TypeOf(int status) => status switch
    {
        400 => "BadRequestError",
        401 => "AuthenticationError",
        403 => "PermissionDeniedError",
        404 => "NotFoundError",
        405 => "MethodNotAllowedError",
        413 => "RequestTooLargeError",
        429 => "RateLimitError",
        503 => "ServiceUnavailableError",
        _ => status < 500 ? "BadRequestError" : "InternalServerError",
    };
}
