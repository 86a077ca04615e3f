namespace Server.Contracts;

/// <summary><c>/v1/tokenize</c> response (api.md §9.1); <see cref="TokenStrs"/> only when requested.</summary>
/// <param name="AddSpecialTokens">Whether the count includes the tokenizer's special tokens (BOS): true by default for
/// the prompt form (vllm), false for the messages form and for <c>/v1/completions</c> prompts (aph-0.6), so a prompt
/// counted with true bills as <c>Count</c> minus those tokens unless the completion request also sets it.</param>
public sealed record TokenizeResponse(int Count, int MaxModelLen, IReadOnlyList<int> Tokens, IReadOnlyList<string>? TokenStrs, bool AddSpecialTokens);
