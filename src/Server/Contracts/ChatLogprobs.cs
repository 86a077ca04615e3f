namespace Server.Contracts;

/// <summary>The chat logprobs object (api.md §4.5): one entry per generated token.</summary>
public sealed record ChatLogprobs(IReadOnlyList<ChatTokenLogprob> Content);
