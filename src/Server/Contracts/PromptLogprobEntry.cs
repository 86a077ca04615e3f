namespace Server.Contracts;

/// <summary>One token of a <c>prompt_logprobs</c> position (api.md §4.6), keyed by its id.</summary>
public sealed record PromptLogprobEntry(float Logprob, int Rank, string DecodedToken);
