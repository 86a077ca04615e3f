namespace Server.Contracts;

/// <summary>One alternative of a chat token.</summary>
public sealed record ChatTopLogprob(string Token, float Logprob, IReadOnlyList<int>? Bytes);
