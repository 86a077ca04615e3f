namespace Engine.Generation;

/// <summary>The prompt does not fit the model's context (a client error: the server maps it to 400).</summary>
public sealed class PromptTooLongException(int promptTokens, int maxContext)
    : Exception($"The prompt has {promptTokens} tokens; the model's context is {maxContext} tokens.")
{
    public int PromptTokens { get; } = promptTokens;

    public int MaxContext { get; } = maxContext;
}
