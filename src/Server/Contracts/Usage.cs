namespace Server.Contracts;

/// <summary>Token counts: each prompt once, completion tokens summed over the returned choices (api.md §4.2).</summary>
public sealed record Usage(int PromptTokens, int CompletionTokens, int TotalTokens)
{
    public static Usage Of(int prompt, int completion) => new(prompt, completion, prompt + completion);
}
