namespace RelationNeurons.Analysis;

/// <summary>
/// Scores every unit of an activation matrix [prompts × width] for every task of a
/// <see cref="ScoringPlan"/>. Each unit's values are sorted once; one pass over that order then
/// yields every task's AP and median positions together, because each prompt is a positive of
/// exactly one task and a negative of the others in its pool (O(n) per unit for all tasks, not
/// per task). Units are spread over threads; each unit's result depends on its values alone, so
/// the output is the same for any thread count.
/// </summary>
public static class ExpertiseScorer
{
    /// <summary>Units handed to a thread at a time: one cache line of a float32 row.</summary>
    private const int Block = 64;

    public static ExpertiseScores Score(ReadOnlySpan<float> activations, int prompts, int width, PromptLabels labels,
        NegativeScope scope = NegativeScope.SameLanguage, int maxThreads = -1) =>
        Score(activations, prompts, width, ScoringPlan.Create(labels, scope), maxThreads);

    public static unsafe ExpertiseScores Score(ReadOnlySpan<float> activations, int prompts, int width, ScoringPlan plan,
        int maxThreads = -1, Func<int, string>? unitName = null)
    {
        CheckShape(activations.Length, prompts, width, plan);
        var scores = new ExpertiseScores(plan.Tasks, width);
        fixed (float* data = activations)
        {
            var source = ColumnSource.FromPointer(data, Models.Safetensors.SafetensorsDtype.F32, prompts, width);
            ScoreInto(source, plan, scores, maxThreads, unitName);
        }
        return scores;
    }

    internal static void CheckShape(long elements, int prompts, int width, ScoringPlan plan)
    {
        if (prompts != plan.PromptCount)
            throw new UserInputException($"the activations have {prompts} prompts but the labels describe {plan.PromptCount}");
        if (width <= 0) throw new UserInputException($"width must be positive, got {width}");
        if (elements != (long)prompts * width)
            throw new UserInputException($"{elements} activation values do not make a [{prompts} × {width}] matrix");
    }

    internal static void ScoreInto(ColumnSource source, ScoringPlan plan, ExpertiseScores scores, int maxThreads, Func<int, string>? unitName)
    {
        if (source.Rows != plan.PromptCount)
            throw new UserInputException($"the activations have {source.Rows} prompts but the labels describe {plan.PromptCount}");
        int blocks = (source.Columns + Block - 1) / Block;
        int firstBad = int.MaxValue;
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = maxThreads },
            () => new UnitScorer(plan, Block),
            (block, _, worker) =>
            {
                int first = block * Block;
                int count = Math.Min(Block, source.Columns - first);
                var values = worker.Values.AsSpan(0, count * source.Rows);
                source.Gather(first, count, values);
                for (int c = 0; c < count; c++)
                {
                    if (!worker.Score(values.Slice(c * source.Rows, source.Rows), scores, first + c))
                    {
                        // Keep the lowest bad unit so the error is the same on every run.
                        int unit = first + c, seen;
                        while (unit < (seen = Volatile.Read(ref firstBad)) && Interlocked.CompareExchange(ref firstBad, unit, seen) != seen) { }
                        break;
                    }
                }
                return worker;
            },
            _ => { });
        if (firstBad != int.MaxValue)
        {
            string name = unitName?.Invoke(firstBad) ?? $"unit {firstBad}";
            throw new UserInputException($"{name} has a NaN or infinite activation; average precision needs finite values (re-record in F32 or check the model)");
        }
    }

    /// <summary>
    /// One thread's buffers and the single-pass scoring of one unit. The per-prompt loop runs on
    /// raw pointers into pinned arrays: it is the whole cost of scoring besides the sort.
    /// </summary>
    private sealed unsafe class UnitScorer
    {
        private readonly DescendingSort _sort;
        public readonly float[] Values;
        private readonly int _tasks, _pools;
        private readonly int* _taskOf, _poolOf, _poolSize, _positives, _poolStart, _taskStart, _lowRank, _highRank;
        private readonly int* _count, _last, _seen, _positionsInPool;
        private readonly double* _ap;
        private readonly float* _lowValue, _highValue, _poolValues;
        // The pinned arrays behind the pointers; kept alive with the scorer.
        private readonly List<Array> _pinned = [];

        public UnitScorer(ScoringPlan plan, int block)
        {
            int n = plan.PromptCount;
            _tasks = plan.Tasks.Count;
            _pools = plan.PoolCount;
            _sort = new DescendingSort(n);
            Values = new float[block * n];
            int[] positives = plan.Tasks.Select(t => t.Positives).ToArray();
            int[] poolStart = new int[plan.PoolCount];
            for (int g = 1; g < plan.PoolCount; g++) poolStart[g] = poolStart[g - 1] + plan.PoolSize[g - 1];
            int[] taskStart = new int[_tasks];
            for (int t = 1; t < _tasks; t++) taskStart[t] = taskStart[t - 1] + positives[t - 1];
            _taskOf = Pin(plan.TaskOfPrompt);
            _poolOf = Pin(plan.PoolOfTask);
            _poolSize = Pin(plan.PoolSize);
            _positives = Pin(positives);
            _poolStart = Pin(poolStart);
            _taskStart = Pin(taskStart);
            // Ranks (0-based, in descending order) of the two middle positives; for odd counts they coincide.
            _lowRank = Pin(positives.Select(p => (p - 1) / 2).ToArray());
            _highRank = Pin(positives.Select(p => p / 2).ToArray());
            _count = Pin(new int[_tasks]);
            _last = Pin(new int[_tasks]);
            _seen = Pin(new int[plan.PoolCount]);
            _positionsInPool = Pin(new int[n]);
            _ap = Pin(new double[_tasks]);
            _lowValue = Pin(new float[_tasks]);
            _highValue = Pin(new float[_tasks]);
            _poolValues = Pin(new float[n]);
        }

        private T* Pin<T>(T[] source) where T : unmanaged
        {
            var pinned = GC.AllocateUninitializedArray<T>(source.Length, pinned: true);
            source.CopyTo(pinned, 0);
            _pinned.Add(pinned);
            return (T*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(pinned));
        }

        /// <summary>Scores one unit into column <paramref name="unit"/> of every task; false on a non-finite value.</summary>
        public bool Score(ReadOnlySpan<float> column, ExpertiseScores output, int unit)
        {
            var sortedSpan = _sort.Sort(column, out int bad);
            if (bad >= 0) return false;
            new Span<int>(_count, _tasks).Clear();
            new Span<int>(_last, _tasks).Clear();
            new Span<double>(_ap, _tasks).Clear();
            new Span<int>(_seen, _pools).Clear();
            int n = sortedSpan.Length;
            // Locals, not fields: the JIT keeps them in registers across the pointer stores below.
            int* taskOf = _taskOf, poolOf = _poolOf, count = _count, last = _last, seen = _seen;
            int* poolStart = _poolStart, taskStart = _taskStart, lowRank = _lowRank, highRank = _highRank, positionsInPool = _positionsInPool;
            float* poolValues = _poolValues, lowValue = _lowValue, highValue = _highValue;
            double* ap = _ap;
            fixed (ulong* sorted = sortedSpan)
            fixed (float* values = column)
            {
                for (int i = 0; i < n;)
                {
                    uint key = DescendingSort.KeyOf(sorted[i]);
                    int j = i + 1;
                    while (j < n && DescendingSort.KeyOf(sorted[j]) == key) j++;
                    // Count every prompt of the threshold (one, unless scores tie) into its task and pool.
                    for (int m = i; m < j; m++)
                    {
                        int p = DescendingSort.IndexOf(sorted[m]);
                        int t = taskOf[p], g = poolOf[t];
                        int rank = count[t]++;
                        int position = seen[g]++;
                        float v = values[p];
                        poolValues[poolStart[g] + position] = v;
                        positionsInPool[taskStart[t] + rank] = position;
                        if (rank == lowRank[t]) lowValue[t] = v;
                        if (rank == highRank[t]) highValue[t] = v;
                    }
                    // One threshold: each task that gained positives adds (its recall step) × (its
                    // precision with the whole threshold included). Without ties that is the one
                    // prompt's own task, adding count/seen.
                    for (int m = i; m < j; m++)
                    {
                        int t = taskOf[DescendingSort.IndexOf(sorted[m])];
                        int c = count[t];
                        if (c == last[t]) continue;
                        ap[t] += (double)(c - last[t]) * c / seen[poolOf[t]];
                        last[t] = c;
                    }
                    i = j;
                }
            }

            int width = output.Width;
            for (int t = 0; t < _tasks; t++)
            {
                int at = t * width + unit;
                output.Ap[at] = _ap[t] / _positives[t];
                output.MedianPositive[at] = Mean(_lowValue[t], _highValue[t]);
                output.MedianNegative[at] = NegativeMedian(t);
            }
            return true;
        }

        /// <summary>
        /// Median of the pool's values outside task t. The k-th negative sits at pool position k + m
        /// where m counts t's positives before it; t's positive positions are ascending, so one walk
        /// finds both middle negatives.
        /// </summary>
        private float NegativeMedian(int t)
        {
            int g = _poolOf[t];
            int positives = _positives[t];
            int negatives = _poolSize[g] - positives;
            int* positions = _positionsInPool + _taskStart[t];
            float* pool = _poolValues + _poolStart[g];
            int m = 0;
            int low = (negatives - 1) / 2, high = negatives / 2;
            while (m < positives && positions[m] <= low + m) m++;
            float lowValue = pool[low + m];
            while (m < positives && positions[m] <= high + m) m++;
            return Mean(lowValue, pool[high + m]);
        }

        private static float Mean(float a, float b) => (float)(((double)a + b) / 2);
    }
}
