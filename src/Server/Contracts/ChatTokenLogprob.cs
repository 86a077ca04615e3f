namespace Server.Contracts;

/// <summary>A generated token, its logprob, its UTF-8 bytes and exactly min(top_logprobs, V) alternatives.</summary>
public sealed record ChatTokenLogprob(
    string Token, float Logprob, IReadOnlyList<int>? Bytes, IReadOnlyList<ChatTopLogprob> TopLogprobs);
