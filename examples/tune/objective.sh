#!/bin/sh
# A stand-in for a training script: prints a "validation loss" for the parameters it is
# given (lr, layers, optimizer and, for sgd, momentum), the last line being the objective.
awk -v lr="$1" -v layers="$2" -v opt="$3" -v mom="${4:-0.9}" 'BEGIN {
  l = log(lr) / log(10); best = (opt == "adam") ? -3 : -1.5
  loss = 0.25 * (l - best)^2 + 0.03 * (layers - 4)^2 + 3 * (mom - 0.9)^2 + (opt == "sgd" ? 0.05 : 0)
  printf "%.6f\n", loss
}'
