namespace Server.Contracts;

/// <summary>An error after a stream started: <c>data: {"error": {…}}</c> (api.md §8.1).</summary>
public sealed record StreamErrorEvent(ErrorDetail Error);
