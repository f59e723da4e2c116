# Reference values for who ranks first (tests/cli/segments.rs), from R survey's covariance:
#   Rscript ranks.R   (writes ranks.json beside this script)
# For each wave, overall and within each company size (a domain of the wave's design), the
# probability that each department has the largest share: a Monte Carlo of 200,000 draws from the
# normal distribution with svymean's estimates and vcov (MASS::mvrnorm), seed 1.
suppressPackageStartupMessages({ library(survey); library(jsonlite); library(MASS) })
set.seed(1)
data <- read.csv("respondents.csv", stringsAsFactors = FALSE)
ids <- c("Marketing" = "marketing", "PR" = "pr", "Sales" = "sales", "HR" = "hr",
         "Customer Service" = "customer_service", "IT" = "it")
data$dept <- factor(ids[data$department])
out <- list()
for (wave in sort(unique(data$year))) {
  sub <- data[data$year == wave, ]
  des <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, data = sub, nest = TRUE)
  domains <- c(list(list(segment = NULL, design = des)),
               lapply(sort(unique(sub$size)), function(s) list(segment = s, design = subset(des, size == s))))
  for (d in domains) {
    m <- svymean(~dept, d$design)
    draws <- mvrnorm(200000, coef(m), vcov(m))
    first <- table(factor(max.col(draws, ties.method = "first"), levels = seq_along(coef(m))))
    p <- as.numeric(first) / nrow(draws)
    for (i in seq_along(p)) {
      out[[length(out) + 1]] <- list(wave = wave, segment = d$segment,
        category = sub("^dept", "", names(coef(m))[i]), p_first = p[i])
    }
  }
}
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, null = "null", pretty = TRUE), "ranks.json")
