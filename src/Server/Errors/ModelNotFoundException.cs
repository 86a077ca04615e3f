namespace Server.Errors;

/// <summary>A model id the server does not serve: 404 (aph/vllm wording).</summary>
public sealed class ModelNotFoundException : ApiException
{
    public ModelNotFoundException() : this("model", "?") { }

    public ModelNotFoundException(string message) : base(404, "NotFoundError", message, null) { }

    public ModelNotFoundException(string param, string model)
        : base(404, "NotFoundError", $"The model `{model}` does not exist.", param) { }
}
