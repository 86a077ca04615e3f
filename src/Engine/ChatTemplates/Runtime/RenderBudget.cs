namespace Engine.ChatTemplates.Runtime;

/// <summary>
/// The sandbox's guard against runaway templates: a cap on loop iterations, on the size of the output and of any
/// string or list a template builds, and on macro recursion depth. Exceeding one raises a
/// <see cref="ChatTemplateException"/> instead of hanging the server or exhausting memory.
/// </summary>
internal sealed class RenderBudget(ChatTemplateLimits limits)
{
    private long _iterations;

    public int Depth { get; private set; }

    public void CountIteration()
    {
        if (++_iterations > limits.MaxLoopIterations)
        {
            throw new ChatTemplateException($"Template exceeded the loop iteration budget ({limits.MaxLoopIterations}).");
        }
    }

    public void CheckSize(long chars)
    {
        if (chars > limits.MaxOutputChars)
        {
            throw new ChatTemplateException($"Template output exceeded the size budget ({limits.MaxOutputChars} characters).");
        }
    }

    public void Enter()
    {
        if (++Depth > limits.MaxCallDepth)
        {
            throw new ChatTemplateException($"Template exceeded the macro call depth budget ({limits.MaxCallDepth}).");
        }
    }

    public void Leave() => Depth--;
}
