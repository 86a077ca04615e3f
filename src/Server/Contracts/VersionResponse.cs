namespace Server.Contracts;

/// <summary><c>GET /version</c>.</summary>
public sealed record VersionResponse(string Version);
