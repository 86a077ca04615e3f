namespace Server.Contracts;

/// <summary>A <c>/v1/chat/completions</c> stream event (api.md §8.3); <c>choices</c> is empty in the usage chunk.</summary>
public sealed record ChatChunk(
    string Id, string Object, long Created, string Model, IReadOnlyList<ChatChunkChoice> Choices, Usage? Usage);
