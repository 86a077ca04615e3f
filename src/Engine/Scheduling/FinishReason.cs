namespace Engine.Scheduling;

/// <summary>Why a request stopped: OpenAI's <c>stop</c> (a stop token), <c>length</c> (max tokens or context), or an abort.</summary>
public enum FinishReason
{
    Stop,
    Length,
    Abort,
}
