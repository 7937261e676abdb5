package dev.ngff.spark.internal;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Codec threads of a task: its CPUs inside a Spark task, the machine's cores on the driver. */
class TaskExecutionTest {
    @Test
    void aTaskGetsItsCpusAndTheDriverTheMachinesCores() {
        int cores = Runtime.getRuntime().availableProcessors();
        assertThat(TaskExecution.config().cpuConcurrency()).isEqualTo(cores);
        try (JavaSparkContext sc = new JavaSparkContext(new SparkConf().setMaster("local[2]")
                .setAppName("TaskExecutionTest").set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"))) {
            List<List<Integer>> limits = sc.parallelize(List.of(1, 2, 3, 4), 4).map(i -> {
                var c = TaskExecution.config();
                try (var ctx = TaskExecution.create()) {
                    return List.of(c.cpuConcurrency(), c.chunksInFlight(), ctx.config().cpuConcurrency());
                }
            }).collect();
            // spark.task.cpus is 1 by default: one codec thread per task, whatever the machine has
            assertThat(limits).hasSize(4).allSatisfy(l -> assertThat(l).containsExactly(1, 18, 1));
        }
    }
}
