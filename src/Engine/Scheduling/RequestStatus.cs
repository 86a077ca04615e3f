namespace Engine.Scheduling;

/// <summary>Where a request is in its life: queued, holding KV blocks, or done.</summary>
public enum RequestStatus
{
    Waiting,
    Running,
    Finished,
}
