namespace Server.Errors;

/// <summary>A known model the key's account may not use: 403.</summary>
public sealed class ModelAccessDeniedException : ApiException
{
    public ModelAccessDeniedException() : this("model", "This model") { }

    public ModelAccessDeniedException(string message) : base(403, "PermissionDeniedError", message, null) { }

    public ModelAccessDeniedException(string param, string model)
        : base(403, "PermissionDeniedError", $"Your account does not have access to model `{model}`.", param) { }
}
