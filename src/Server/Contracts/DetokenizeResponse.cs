namespace Server.Contracts;

/// <summary><c>/v1/detokenize</c> response (aph/vllm field name).</summary>
public sealed record DetokenizeResponse(string Prompt);
