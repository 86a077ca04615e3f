namespace Engine.Scheduling;

/// <summary>A request and how many of its not-yet-computed tokens run this step.</summary>
public readonly record struct ScheduledRequest(Request Request, int NumTokens);
