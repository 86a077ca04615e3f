namespace Server.Contracts;

/// <summary><c>GET /v1/models</c> (api.md §5).</summary>
public sealed record ModelList(string Object, IReadOnlyList<ModelCard> Data);
