namespace Server.Contracts;

/// <summary>
/// The error body of api.md §4.1: the nested OpenAI/vllm object plus a flat copy for aph-0.6 clients.
/// </summary>
public sealed record ErrorResponse(ErrorDetail Error, string Object, string Message, string Type, string? Param, int Code)
{
    public static ErrorResponse Of(int status, string type, string message, string? param) =>
        new(new ErrorDetail(message, type, param, status), "error", message, type, param, status);
}
