namespace Engine.Scheduling;

/// <summary>Identifies one generation request inside the engine.</summary>
public readonly record struct RequestId(long Value);
