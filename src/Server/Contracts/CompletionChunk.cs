namespace Server.Contracts;

/// <summary>A <c>/v1/completions</c> stream event (api.md §8.2); <c>choices</c> is empty in the usage chunk.</summary>
public sealed record CompletionChunk(
    string Id, string Object, long Created, string Model, IReadOnlyList<CompletionChunkChoice> Choices, Usage? Usage);
