namespace Server.Contracts;

/// <summary>The nested <c>error</c> object; <see cref="Code"/> is the HTTP status.</summary>
public sealed record ErrorDetail(string Message, string Type, string? Param, int Code);
