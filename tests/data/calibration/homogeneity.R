# Reference values for the Rao-Scott test of department x wave over all departments
# (tests/cli/segments.rs): Rscript homogeneity.R (writes homogeneity.json beside this script).
# One design over both waves, strata nested in waves (waves are independent samples).
suppressPackageStartupMessages({ library(survey); library(jsonlite) })
data <- read.csv("respondents.csv", stringsAsFactors = FALSE)
data$dept <- factor(data$department)
data$wave <- factor(data$year)
data$stratum_wave <- paste(data$year, data$stratum)
des <- svydesign(ids = ~psu, strata = ~stratum_wave, weights = ~weight, data = data, nest = TRUE)
t <- svychisq(~dept + wave, des, statistic = "F")
writeLines(toJSON(list(statistic = unname(t$statistic), ndf = unname(t$parameter[1]),
  ddf = unname(t$parameter[2]), p_value = unname(t$p.value)), digits = NA, auto_unbox = TRUE, pretty = TRUE),
  "homogeneity.json")
