# Reference values for the Rao-Scott test of department x segment (tests/cli/segments.rs):
#   Rscript independence.R   (writes independence.json beside this script)
# svychisq(~dept + size, design, statistic = "F") per wave under the design, and by region under
# the design raked to margins.csv.
suppressPackageStartupMessages({ library(survey); library(jsonlite) })
data <- read.csv("respondents.csv", stringsAsFactors = FALSE)
data$dept <- factor(data$department)
data$size <- factor(data$size)
data$sector <- factor(data$sector)
out <- list()
for (wave in sort(unique(data$year))) {
  sub <- data[data$year == wave, ]
  des <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, data = sub, nest = TRUE)
  N <- sum(weights(des))
  pop <- c("(Intercept)" = N, sizemedium = 0.28 * N, sizesmall = 0.62 * N,
           sectorservices = 0.50 * N, sectortrade = 0.20 * N)
  cal <- calibrate(des, ~size + sector, pop, calfun = "raking", epsilon = 1e-13, maxit = 200)
  for (case in list(list("design-size", des, "size"), list("rake-region", cal, "region"))) {
    t <- svychisq(as.formula(paste0("~dept + ", case[[3]])), case[[2]], statistic = "F")
    out[[length(out) + 1]] <- list(case = case[[1]], wave = wave, statistic = unname(t$statistic),
      ndf = unname(t$parameter[1]), ddf = unname(t$parameter[2]), p_value = unname(t$p.value))
  }
}
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), "independence.json")
