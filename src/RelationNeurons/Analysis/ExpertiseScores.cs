namespace RelationNeurons.Analysis;

/// <summary>
/// Per task and unit: average precision, and the median activation on the task's positives and on
/// its negatives. Arrays are task-major: entry <c>task * Width + unit</c>.
/// </summary>
public sealed class ExpertiseScores
{
    public IReadOnlyList<ExpertiseTask> Tasks { get; }
    public int Width { get; }
    public double[] Ap { get; }
    public float[] MedianPositive { get; }
    public float[] MedianNegative { get; }

    public ExpertiseScores(IReadOnlyList<ExpertiseTask> tasks, int width)
    {
        Tasks = tasks; Width = width;
        Ap = new double[tasks.Count * width];
        MedianPositive = new float[tasks.Count * width];
        MedianNegative = new float[tasks.Count * width];
    }

    public ReadOnlySpan<double> ApOf(int task) => Ap.AsSpan(task * Width, Width);
    public ReadOnlySpan<float> MedianPositiveOf(int task) => MedianPositive.AsSpan(task * Width, Width);
    public ReadOnlySpan<float> MedianNegativeOf(int task) => MedianNegative.AsSpan(task * Width, Width);
}
